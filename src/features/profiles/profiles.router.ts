/** `profiles.*`: public profiles and follows. */
import { router } from '../../trpc/init.ts';
import { authedProcedure, publicProcedure } from '../../trpc/procedures.ts';
import { followUser, getProfile, unfollowUser } from './profiles.ts';
import { profileOutput, usernameInput } from './profiles.schemas.ts';

export const profilesRouter = router({
  get: publicProcedure
    .input(usernameInput)
    .output(profileOutput)
    .query(({ ctx, input }) => getProfile(ctx, input, ctx.auth?.user.id ?? null)),

  follow: authedProcedure
    .input(usernameInput)
    .output(profileOutput)
    .mutation(({ ctx, input }) => followUser(ctx, input, ctx.user)),

  unfollow: authedProcedure
    .input(usernameInput)
    .output(profileOutput)
    .mutation(({ ctx, input }) => unfollowUser(ctx, input, ctx.user)),
});
