/** The root router: one entry per feature. Its type is the whole client contract. */
import { authRouter } from '../features/auth/auth.router.ts';
import { healthRouter } from '../features/health/health.router.ts';
import { notificationsRouter } from '../features/notifications/notifications.router.ts';
import { router } from './init.ts';

export const appRouter = router({
  health: healthRouter,
  auth: authRouter,
  notifications: notificationsRouter,
});

export type AppRouter = typeof appRouter;
