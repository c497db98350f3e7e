/** `auth.email.*`: proving the signed-in user owns their email address. */
import { z } from 'zod';

import { router } from '../../trpc/init.ts';
import { authedProcedure } from '../../trpc/procedures.ts';
import { auditOriginOf } from '../audit/audit-log.ts';
import { requestEmailVerification, verifyEmail } from './email-verification.ts';

export const emailVerificationRouter = router({
  requestVerification: authedProcedure
    .output(z.object({ expiresAt: z.date() }))
    .mutation(({ ctx }) => requestEmailVerification(ctx.db, auditOriginOf(ctx), ctx.user)),

  verify: authedProcedure
    .input(z.object({ code: z.string().trim().min(1).max(16) }).strict())
    .output(z.object({ emailVerified: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await verifyEmail(ctx.db, auditOriginOf(ctx), ctx.user, input.code);
      return { emailVerified: true as const };
    }),
});
