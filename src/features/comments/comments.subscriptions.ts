/**
 * `comments.onAdded({ slug })`: comments on one article as they are added (SSE or WebSocket).
 * The slug is resolved to the article's id once, so the stream survives a title change.
 */
import { z } from 'zod';

import { AppError } from '../../lib/errors.ts';
import { streamEvents } from '../../realtime/event-stream.ts';
import { trackedEvents } from '../../realtime/stream-output.ts';
import { router } from '../../trpc/init.ts';
import { publicProcedure } from '../../trpc/procedures.ts';
import { isCommentRemoved } from './comments.ts';

export const onCommentAddedInput = z.object({ slug: z.string().min(1).max(300), lastEventId: z.string().max(20).nullish() });

/** As in `comments.list`, except `author.following` (it would cost a query per subscriber). */
export const addedCommentOutput = z.object({
  id: z.coerce.number().int(),
  body: z.string(),
  createdAt: z.coerce.date(),
  updatedAt: z.coerce.date(),
  author: z.object({ username: z.string(), bio: z.string(), image: z.string().nullable() }),
});

export const commentSubscriptionsRouter = router({
  onAdded: publicProcedure
    .input(onCommentAddedInput)
    .output(trackedEvents(addedCommentOutput))
    .subscription(async function* ({ ctx, input, signal }) {
      const article = await ctx.db
        .selectFrom('articles')
        .select('id')
        .where('slug', '=', input.slug)
        .where('deletedAt', 'is', null)
        .executeTakeFirst();
      if (!article) throw new AppError('NOT_FOUND', 'No such article');
      yield* streamEvents(ctx, {
        signal,
        lastEventId: input.lastEventId,
        replay: { types: ['comment.added'], articleId: article.id },
        matches: (event) => event.type === 'comment.added' && event.articleId === article.id,
        render: async (event, { isReplay }) => {
          if (event.type !== 'comment.added') return null;
          // A replay reaches back minutes, past a moderator's removal; live events are too fresh to check.
          if (isReplay && (await isCommentRemoved(ctx.db, event.payload.comment.id))) return null;
          return event.payload.comment;
        },
      });
    }),
});
