/** The root router: one entry per feature. Its type is the whole client contract. */
import { healthRouter } from '../features/health/health.router.ts';
import { router } from './init.ts';

export const appRouter = router({
  health: healthRouter,
});

export type AppRouter = typeof appRouter;
