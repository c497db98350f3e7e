/** `auth.*`: registration, sign-in, sign-out and the current user, plus the account-security sub-routers. */
import { z } from 'zod';

import { router } from '../../trpc/init.ts';
import { authedProcedure, publicProcedure, sessionProcedure } from '../../trpc/procedures.ts';
import { accessTokensRouter } from '../access-tokens/access-tokens.router.ts';
import { auditOriginOf, recordAudit } from '../audit/audit-log.ts';
import { emailVerificationRouter } from '../email-verification/email-verification.router.ts';
import { passwordRouter } from '../password/password.router.ts';
import { sessionsRouter } from '../sessions/sessions.router.ts';
import { twoFactorRouter } from '../two-factor/two-factor.router.ts';
import { currentUserOutput, loginInput, loginOutput, registerInput, sessionGrantOutput } from './auth.schemas.ts';
import { registerUser, signIn, toCurrentUser } from './sign-in.ts';

export const authRouter = router({
  register: publicProcedure
    .input(registerInput)
    .output(sessionGrantOutput)
    .mutation(async ({ ctx, input }) => {
      const grant = await registerUser(ctx, input, auditOriginOf(ctx));
      ctx.sessionCookie.issue(grant.token);
      return grant;
    }),

  login: publicProcedure
    .input(loginInput)
    .output(loginOutput)
    .mutation(async ({ ctx, input }) => {
      const result = await signIn(ctx, input, auditOriginOf(ctx));
      if (!result.twoFactorRequired) ctx.sessionCookie.issue(result.token);
      return result;
    }),

  logout: sessionProcedure.output(z.void()).mutation(async ({ ctx }) => {
    await ctx.lucia.invalidateSession(ctx.session.id);
    await recordAudit(ctx.db, auditOriginOf(ctx), { action: 'auth.logout', targetType: 'user', targetId: ctx.user.id });
    ctx.sessionCookie.clear();
  }),

  me: authedProcedure.output(currentUserOutput).query(({ ctx }) => toCurrentUser(ctx.user)),

  sessions: sessionsRouter,
  password: passwordRouter,
  email: emailVerificationRouter,
  twoFactor: twoFactorRouter,
  tokens: accessTokensRouter,
});
