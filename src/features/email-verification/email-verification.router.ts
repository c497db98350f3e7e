/** `auth.email.*`: proving the signed-in user owns their email address. */
import { z } from 'zod';

import { clientIpKey, mailboxKey, rateLimit } from '../../rate-limit/rate-limit-middleware.ts';
import { router } from '../../trpc/init.ts';
import { authedProcedure } from '../../trpc/procedures.ts';
import { auditOriginOf } from '../audit/audit-log.ts';
import { requestEmailVerification, verifyEmail } from './email-verification.ts';

/**
 * Besides the signed-in `write` limit: per IP with the `auth` policy (many accounts from one
 * address), per mailbox with `email` (shared with password resets), and per account by the code
 * itself (one a minute, five wrong guesses; email-verification.ts).
 */
export const emailVerificationRouter = router({
  requestVerification: authedProcedure
    .use(rateLimit('auth', clientIpKey))
    .use(rateLimit('email', ({ ctx }) => mailboxKey(ctx.auth?.user.email)))
    .output(z.object({ expiresAt: z.date() }))
    .mutation(({ ctx }) => requestEmailVerification(ctx.db, auditOriginOf(ctx), ctx.user)),

  verify: authedProcedure
    .use(rateLimit('auth', clientIpKey))
    .input(z.object({ code: z.string().trim().min(1).max(16) }).strict())
    .output(z.object({ emailVerified: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await verifyEmail(ctx.db, auditOriginOf(ctx), ctx.user, input.code);
      return { emailVerified: true as const };
    }),
});
