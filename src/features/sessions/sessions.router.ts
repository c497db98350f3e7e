/** `auth.sessions.*`: the signed-in user's sessions across devices. */
import { z } from 'zod';

import { router } from '../../trpc/init.ts';
import { sessionProcedure } from '../../trpc/procedures.ts';
import { auditOriginOf } from '../audit/audit-log.ts';
import { listSessions, revokeOtherSessions, revokeSession } from './sessions.ts';
import { sessionIdInput, sessionSummaryOutput } from './sessions.schemas.ts';

export const sessionsRouter = router({
  list: sessionProcedure.output(z.array(sessionSummaryOutput)).query(({ ctx }) => listSessions(ctx.db, ctx.user.id, ctx.session.id)),

  revoke: sessionProcedure
    .input(sessionIdInput)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      await revokeSession(ctx.db, auditOriginOf(ctx), ctx.user.id, input.id);
      if (input.id === ctx.session.id) ctx.sessionCookie.clear();
    }),

  revokeOthers: sessionProcedure
    .output(z.object({ revoked: z.number().int() }))
    .mutation(async ({ ctx }) => ({ revoked: await revokeOtherSessions(ctx.db, auditOriginOf(ctx), ctx.user.id, ctx.session.id) })),
});
