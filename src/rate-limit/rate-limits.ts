/**
 * Named rate-limit policies (rate-limiter-flexible), one limiter per policy, used by tRPC
 * procedures and Fastify routes alike. With REDIS_URL the counters live in Redis, so a limit
 * holds across every instance; without it they live in this process.
 *
 * When Redis is unreachable: `read` fails open (the request is served, uncounted), while `auth`,
 * `write` and `email` fall back to a per-instance memory limiter — brute force and spam stay bounded
 * (by N × the limit across N instances) instead of unbounded. See ADR 0051.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

import type { Config } from '../config.ts';

/**
 * `auth`, `write`, `read`: the defaults every procedure gets (see rate-limit-middleware.ts).
 * `email`: requests that mail an address (password reset, verification code), keyed by the
 * address itself, so one inbox cannot be flooded from many IPs or accounts.
 */
export type RateLimitPolicy = 'auth' | 'write' | 'read' | 'email';

export interface RateLimitDecision {
  isAllowed: boolean;
  policy: RateLimitPolicy;
  limit: number;
  windowSeconds: number;
  remaining: number;
  /** Seconds until the window resets (the `Retry-After` when refused). */
  resetSeconds: number;
}

export interface RateLimits {
  readonly isEnabled: boolean;
  /** Counts one request of `key` against `policy`; null when limits are off or the store failed open. */
  consume(policy: RateLimitPolicy, key: string): Promise<RateLimitDecision | null>;
}

type PolicyConfig = Pick<Config, 'RATE_LIMITS' | 'RATE_LIMIT_AUTH' | 'RATE_LIMIT_WRITE' | 'RATE_LIMIT_READ' | 'RATE_LIMIT_EMAIL' | 'REDIS_KEY_PREFIX'>;

const failOpenPolicies: ReadonlySet<RateLimitPolicy> = new Set(['read']);

/**
 * @example
 * const rateLimits = createRateLimits(config, redis, logger);
 * const decision = await rateLimits.consume('write', `user:${user.id}`);
 * if (decision && !decision.isAllowed) throw new AppError('RATE_LIMITED', '…');
 */
export function createRateLimits(config: PolicyConfig, redis: Redis | undefined, logger: Logger): RateLimits {
  if (config.RATE_LIMITS === 'off') {
    logger.warn('RATE_LIMITS=off: every rate limit is disabled (benchmarks and local load tests only)');
    return { isEnabled: false, consume: () => Promise.resolve(null) };
  }
  const specs: Record<RateLimitPolicy, { points: number; seconds: number }> = {
    auth: config.RATE_LIMIT_AUTH,
    write: config.RATE_LIMIT_WRITE,
    read: config.RATE_LIMIT_READ,
    email: config.RATE_LIMIT_EMAIL,
  };
  const limiters = Object.fromEntries(
    (Object.keys(specs) as RateLimitPolicy[]).map((policy) => {
      const { points, seconds: duration } = specs[policy];
      const keyPrefix = `${config.REDIS_KEY_PREFIX}rate:${policy}`;
      if (!redis) return [policy, new RateLimiterMemory({ keyPrefix, points, duration })];
      const insuranceLimiter = failOpenPolicies.has(policy) ? undefined : new RateLimiterMemory({ keyPrefix, points, duration });
      const limiter = new RateLimiterRedis({
        storeClient: redis,
        keyPrefix,
        points,
        duration,
        // Do not wait for a reconnect: decide at once (insurance limiter or fail open).
        rejectIfRedisNotReady: true,
        ...(insuranceLimiter && { insuranceLimiter }),
      });
      return [policy, limiter];
    }),
  ) as Record<RateLimitPolicy, RateLimiterAbstract>;

  let isStoreFailing = false;
  return {
    isEnabled: true,
    async consume(policy, key) {
      const { points, seconds } = specs[policy];
      const decide = (result: RateLimiterRes, isAllowed: boolean): RateLimitDecision => ({
        isAllowed,
        policy,
        limit: points,
        windowSeconds: seconds,
        remaining: Math.max(0, result.remainingPoints),
        resetSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)),
      });
      try {
        const result = await limiters[policy].consume(key);
        if (isStoreFailing) logger.info({ policy }, 'rate-limit store answering again');
        isStoreFailing = false;
        return decide(result, true);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return decide(rejection, false);
        // Only fail-open policies get here: the others answer from their insurance limiter.
        if (!isStoreFailing) logger.warn({ policy, error: (rejection as Error).message }, 'rate-limit store unreachable; failing open');
        isStoreFailing = true;
        return null;
      }
    },
  };
}

/**
 * The standard headers for a decision (IETF RateLimit fields, plus Retry-After when refused).
 *
 * @example for (const [name, value] of rateLimitHeaders(decision)) reply.header(name, value);
 */
export function rateLimitHeaders(decision: RateLimitDecision): Array<[string, string]> {
  const headers: Array<[string, string]> = [
    ['RateLimit-Policy', `${decision.limit};w=${decision.windowSeconds};name="${decision.policy}"`],
    ['RateLimit-Limit', String(decision.limit)],
    ['RateLimit-Remaining', String(decision.remaining)],
    ['RateLimit-Reset', String(decision.resetSeconds)],
  ];
  if (!decision.isAllowed) headers.push(['Retry-After', String(decision.resetSeconds)]);
  return headers;
}
