/** The root router: one entry per feature. Its type is the whole client contract. */
import { authRouter } from '../features/auth/auth.router.ts';
import { healthRouter } from '../features/health/health.router.ts';
// domain
import { articlesRouter } from '../features/articles/articles.router.ts';
import { profilesRouter } from '../features/profiles/profiles.router.ts';
import { router } from './init.ts';

export const appRouter = router({
  health: healthRouter,
  auth: authRouter,
  // domain
  profiles: profilesRouter,
  articles: articlesRouter,
});

export type AppRouter = typeof appRouter;
