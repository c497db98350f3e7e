/** The root router: one entry per feature. Its type is the whole client contract. */
import { authRouter } from '../features/auth/auth.router.ts';
import { healthRouter } from '../features/health/health.router.ts';
import { notificationsRouter } from '../features/notifications/notifications.router.ts';
import { articleSubscriptionsRouter } from '../features/articles/articles.subscriptions.ts';
import { commentSubscriptionsRouter } from '../features/comments/comments.subscriptions.ts';
import { articlesRouter } from '../features/articles/articles.router.ts';
import { commentsRouter } from '../features/comments/comments.router.ts';
import { tagsRouter } from '../features/tags/tags.router.ts';
import { usersRouter } from '../features/users/users.router.ts';
import { adminRouter } from '../features/admin/admin.router.ts';
import { profilesRouter } from '../features/profiles/profiles.router.ts';
import { router, t } from './init.ts';

export const appRouter = router({
  health: healthRouter,
  auth: authRouter,
  notifications: notificationsRouter,
  profiles: profilesRouter,
  articles: t.mergeRouters(articlesRouter, articleSubscriptionsRouter),
  comments: t.mergeRouters(commentsRouter, commentSubscriptionsRouter),
  tags: tagsRouter,
  users: usersRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
