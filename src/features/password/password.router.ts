/** `auth.password.*`: change (signed in) and reset by emailed link (signed out). */
import { z } from 'zod';

import { mailboxKey, rateLimit } from '../../rate-limit/rate-limit-middleware.ts';
import { router } from '../../trpc/init.ts';
import { publicProcedure, sessionProcedure } from '../../trpc/procedures.ts';
import { auditOriginOf } from '../audit/audit-log.ts';
import { changePassword } from './password-change.ts';
import { requestPasswordReset, resetPassword } from './password-reset.ts';
import { changePasswordInput, requestPasswordResetInput, requestPasswordResetOutput, resetPasswordInput } from './password.schemas.ts';

export const passwordRouter = router({
  change: sessionProcedure
    .input(changePasswordInput)
    .output(z.object({ revokedSessions: z.number().int() }))
    .mutation(({ ctx, input }) => changePassword(ctx, auditOriginOf(ctx), { userId: ctx.user.id, sessionId: ctx.session.id }, input)),

  // Per IP (the default `auth` policy) and per address (`email`), known or not (ASVS 2.2.1, 2.5.x).
  requestReset: publicProcedure
    .use(rateLimit('email', ({ input }) => mailboxKey(emailOf(input))))
    .input(requestPasswordResetInput)
    .output(requestPasswordResetOutput)
    .mutation(({ ctx, input }) => requestPasswordReset(ctx, auditOriginOf(ctx), input.email)),

  reset: publicProcedure
    .input(resetPasswordInput)
    .output(z.void())
    .mutation(({ ctx, input }) => resetPassword(ctx.db, auditOriginOf(ctx), input)),
});

/** The raw input's `email`, before validation (the rate limit runs first). */
function emailOf(input: unknown): unknown {
  return typeof input === 'object' && input !== null && 'email' in input ? input.email : undefined;
}
