/** The root router: one entry per feature. Its type is the whole client contract. */
import { authRouter } from '../features/auth/auth.router.ts';
import { healthRouter } from '../features/health/health.router.ts';
// domain
import { articlesRouter } from '../features/articles/articles.router.ts';
import { commentsRouter } from '../features/comments/comments.router.ts';
import { tagsRouter } from '../features/tags/tags.router.ts';
import { usersRouter } from '../features/users/users.router.ts';
import { adminRouter } from '../features/admin/admin.router.ts';
import { profilesRouter } from '../features/profiles/profiles.router.ts';
import { router } from './init.ts';

export const appRouter = router({
  health: healthRouter,
  auth: authRouter,
  // domain
  profiles: profilesRouter,
  articles: articlesRouter,
  comments: commentsRouter,
  tags: tagsRouter,
  users: usersRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
