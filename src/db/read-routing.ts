/**
 * Which database a procedure reads from when DATABASE_READ_URL names a replica. The rule:
 * queries (and subscriptions' replay) from anonymous callers use the replica; everything a
 * signed-in caller does, and every mutation, uses the primary. A signed-in user is the one who
 * just wrote, so they always read their own writes; anonymous readers accept replica lag.
 */
import type { ProcedureType } from '@trpc/server';

import type { Context } from '../trpc/context.ts';

/**
 * Applied by `publicProcedure`'s guard: the context change that sends this call to the
 * replica, or undefined where the rule keeps it on the primary.
 *
 * @example const replica = replicaContextFor(ctx, type); return replica ? next({ ctx: replica }) : next();
 */
export function replicaContextFor(ctx: Context, type: ProcedureType): Pick<Context, 'db'> | undefined {
  if (type === 'mutation' || ctx.auth || ctx.readDb === ctx.db) return undefined;
  return { db: ctx.readDb };
}
