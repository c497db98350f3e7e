/** `users.*`: the signed-in user's own account. */
import { router } from '../../trpc/init.ts';
import { sessionProcedure } from '../../trpc/procedures.ts';
import { auditOriginOf } from '../audit/audit-log.ts';
import { currentUserOutput } from '../auth/auth.schemas.ts';
import { updateUser } from './update-user.ts';
import { updateUserInput } from './users.schemas.ts';

// merge (domain × accounts): a personal access token has no session to keep, so '' keeps none.
export const usersRouter = router({
  update: sessionProcedure
    .input(updateUserInput)
    .output(currentUserOutput)
    .mutation(({ ctx, input }) => updateUser(ctx, input, ctx.user.id, ctx.session.id, auditOriginOf(ctx))),
});
