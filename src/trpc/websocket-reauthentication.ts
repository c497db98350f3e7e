/**
 * tRPC's WebSocket adapter builds the context once per connection, so `ctx.auth` alone would be
 * the credential as it was when the socket opened: a suspension, demotion, revoked session or
 * password reset would not reach calls over a socket that was already open. Every call on such
 * a connection resolves its credential again — the same lookup each HTTP request costs.
 */
import type { Context } from './context.ts';

/**
 * The context with the caller as they are now. Runs first in `publicProcedure`'s guard, so CSRF,
 * rate limits, replica routing, roles and a new stream's credential re-checks all see it; over
 * HTTP (no `reauthenticate`) the request's own resolution is current already.
 *
 * @example const ctx = await withCurrentCredential(callCtx);
 */
export async function withCurrentCredential(ctx: Context): Promise<Context> {
  if (!ctx.reauthenticate) return ctx;
  return { ...ctx, auth: await ctx.reauthenticate() };
}
