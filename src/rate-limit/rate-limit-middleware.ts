/**
 * Rate limits as tRPC middleware. Every procedure inherits a default policy from the builders
 * in src/trpc/procedures.ts (queries and subscriptions `read`, signed-in mutations `write`,
 * anonymous mutations — sign-in, registration, resets — `auth`); `rateLimit()` adds a named
 * policy with its own key to a specific procedure (e.g. `auth` per account on login).
 */
import type { ProcedureType } from '@trpc/server';

import { AppError } from '../lib/errors.ts';
import type { Context } from '../trpc/context.ts';
import { t } from '../trpc/init.ts';
import { rateLimitHeaders, type RateLimitPolicy } from './rate-limits.ts';

/** Counts one call of `key` against `policy`, sets the headers, throws RATE_LIMITED when over. */
export async function enforceRateLimit(ctx: Context, policy: RateLimitPolicy, key: string): Promise<void> {
  const decision = await ctx.rateLimits.consume(policy, key);
  if (!decision) return;
  for (const [name, value] of rateLimitHeaders(decision)) ctx.setResponseHeader(name, value);
  if (!decision.isAllowed) {
    throw new AppError('RATE_LIMITED', `Too many requests; retry in ${decision.resetSeconds} s`, {
      details: { policy, retryAfterSeconds: decision.resetSeconds },
    });
  }
}

/** The policy and key a call gets by default: per user when signed in, per client IP otherwise. */
export function defaultRateLimitFor(ctx: Context, type: ProcedureType): { policy: RateLimitPolicy; key: string } {
  const caller = ctx.auth ? `user:${ctx.auth.user.id}` : `ip:${ctx.request.ip}`;
  if (type !== 'mutation') return { policy: 'read', key: caller };
  return { policy: ctx.auth ? 'write' : 'auth', key: caller };
}

/** Applied by `publicProcedure`'s guard, so every procedure built from it (all of them) is limited. */
export async function enforceDefaultRateLimit(ctx: Context, type: ProcedureType): Promise<void> {
  const { policy, key } = defaultRateLimitFor(ctx, type);
  await enforceRateLimit(ctx, policy, key);
}

/**
 * An extra policy for one procedure, keyed by what the procedure knows (its raw input, the
 * user). Runs before input validation, so `keyOf` must treat the input as untrusted.
 *
 * @example
 * login: publicProcedure
 *   .use(rateLimit('auth', ({ input }) => `account:${String((input as { login?: unknown })?.login ?? '').toLowerCase()}`))
 *   .input(loginInput)…
 */
export function rateLimit(policy: RateLimitPolicy, keyOf: (call: { ctx: Context; input: unknown }) => string) {
  return t.middleware(async ({ ctx, getRawInput, next }) => {
    const input = await getRawInput().catch(() => undefined);
    await enforceRateLimit(ctx, policy, keyOf({ ctx, input }));
    return next();
  });
}
