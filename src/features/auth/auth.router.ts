/** `auth.*`: registration, sign-in, sign-out and the current user. */
import { router } from '../../trpc/init.ts';
import { authedProcedure, publicProcedure } from '../../trpc/procedures.ts';
import { currentUserOutput, loginInput, registerInput, sessionGrantOutput } from './auth.schemas.ts';
import { registerUser, signIn, toCurrentUser } from './sign-in.ts';

export const authRouter = router({
  register: publicProcedure
    .input(registerInput)
    .output(sessionGrantOutput)
    .mutation(async ({ ctx, input }) => {
      const grant = await registerUser(ctx, input, ctx.request);
      ctx.sessionCookie.issue(grant.token);
      return grant;
    }),

  login: publicProcedure
    .input(loginInput)
    .output(sessionGrantOutput)
    .mutation(async ({ ctx, input }) => {
      const grant = await signIn(ctx, input, ctx.request);
      ctx.sessionCookie.issue(grant.token);
      return grant;
    }),

  logout: authedProcedure.mutation(async ({ ctx }) => {
    await ctx.lucia.invalidateSession(ctx.auth.session.id);
    ctx.sessionCookie.clear();
  }),

  me: authedProcedure.output(currentUserOutput).query(({ ctx }) => toCurrentUser(ctx.user)),
});
