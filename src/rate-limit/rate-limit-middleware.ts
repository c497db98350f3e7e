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

/**
 * The `email` policy's key for an address: trimmed, NFKC, lower-cased — the spellings that reach
 * one account share one budget. It is the string, not the account, so a refusal looks the same
 * whether or not anyone is registered under it. Anything but a string (raw input) is one key.
 *
 * @example rateLimit('email', ({ input }) => mailboxKey((input as { email?: unknown })?.email))
 */
export function mailboxKey(address: unknown): string {
  return `address:${typeof address === 'string' ? address.trim().normalize('NFKC').toLowerCase() : ''}`;
}

/** A `rateLimit` key: the caller's IP, for signed-in procedures that must also be limited per IP. */
export const clientIpKey = ({ ctx }: { ctx: Context }): string => `ip:${ctx.request.ip}`;

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
