/**
 * tRPC's WebSocket adapter builds the context once per connection, so `ctx.auth` alone would be
 * the credential as it was when the socket opened: a suspension, demotion, revoked session or
 * password reset would not reach calls over a socket that was already open. Every call on such
 * a connection resolves its credential again — the same lookup each HTTP request costs.
 */
import { t } from './init.ts';

/**
 * Runs first in `publicProcedure`, so CSRF, rate limits, replica routing, roles and a new
 * stream's credential re-checks all see the caller as they are now.
 *
 * @example export const publicProcedure = t.procedure.use(reauthenticateEachCall).use(…);
 */
export const reauthenticateEachCall = t.middleware(async ({ ctx, next }) => {
  if (!ctx.reauthenticate) return next();
  return next({ ctx: { auth: await ctx.reauthenticate() } });
});
