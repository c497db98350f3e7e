/** `comments.*`: the conversation under an article. */
import { z } from 'zod';

import { router } from '../../trpc/init.ts';
import { authedProcedure, publicProcedure } from '../../trpc/procedures.ts';
import { auditOriginOf } from '../audit/audit-log.ts';
import { runIdempotently, withIdempotencyKey } from '../idempotency/idempotency.ts';
import { addComment, deleteComment, listComments } from './comments.ts';
import { addCommentInput, commentListOutput, commentOutput, deleteCommentInput, listCommentsInput } from './comments.schemas.ts';

export const commentsRouter = router({
  list: publicProcedure
    .input(listCommentsInput)
    .output(commentListOutput)
    .query(({ ctx, input }) => listComments(ctx, input, ctx.auth?.user.id ?? null)),

  add: authedProcedure
    .input(withIdempotencyKey(addCommentInput))
    .output(commentOutput)
    .mutation(({ ctx, input }) => runIdempotently(ctx, 'comments.add', input, (db) => addComment({ ...ctx, db }, input, ctx.user))),

  delete: authedProcedure
    .input(deleteCommentInput)
    .output(z.object({ id: z.number().int() }))
    .mutation(async ({ ctx, input }) => {
      await deleteComment(ctx, input, ctx.user, auditOriginOf(ctx));
      return { id: input.id };
    }),
});
