/** `auth.twoFactor.*`: TOTP set-up, enable/disable, and finishing a challenged sign-in. */
import { z } from 'zod';

import { router } from '../../trpc/init.ts';
import { publicProcedure, sessionProcedure } from '../../trpc/procedures.ts';
import { auditOriginOf } from '../audit/audit-log.ts';
import { completeTwoFactorLogin } from './two-factor-login.ts';
import { disableTwoFactor, enableTwoFactor, setupTwoFactor } from './two-factor.ts';
import {
  disableTwoFactorInput,
  enableTwoFactorInput,
  enableTwoFactorOutput,
  twoFactorSetupOutput,
  verifyLoginInput,
  verifyLoginOutput,
} from './two-factor.schemas.ts';

export const twoFactorRouter = router({
  setup: sessionProcedure.output(twoFactorSetupOutput).mutation(({ ctx }) => setupTwoFactor(ctx.db, ctx.user, ctx.config.TOTP_ISSUER)),

  enable: sessionProcedure
    .input(enableTwoFactorInput)
    .output(enableTwoFactorOutput)
    .mutation(({ ctx, input }) => enableTwoFactor(ctx, auditOriginOf(ctx), ctx.user, input.code)),

  disable: sessionProcedure
    .input(disableTwoFactorInput)
    .output(z.void())
    .mutation(({ ctx, input }) => disableTwoFactor(ctx, auditOriginOf(ctx), ctx.user, input.code)),

  verifyLogin: publicProcedure
    .input(verifyLoginInput)
    .output(verifyLoginOutput)
    .mutation(async ({ ctx, input }) => {
      const grant = await completeTwoFactorLogin(ctx, input, auditOriginOf(ctx));
      ctx.sessionCookie.issue(grant.token);
      return grant;
    }),
});
