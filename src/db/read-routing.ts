/**
 * Which database a procedure reads from when DATABASE_READ_URL names a replica. The rule:
 * queries (and subscriptions' replay) from anonymous callers use the replica; everything a
 * signed-in caller does, and every mutation, uses the primary. A signed-in user is the one who
 * just wrote, so they always read their own writes; anonymous readers accept replica lag.
 */
import { t } from '../trpc/init.ts';

/** Applied by `publicProcedure`: swaps `ctx.db` for the replica where the rule allows. */
export const routeAnonymousReadsToReplica = t.middleware(({ ctx, type, next }) => {
  if (type === 'mutation' || ctx.auth || ctx.readDb === ctx.db) return next();
  return next({ ctx: { db: ctx.readDb } });
});
