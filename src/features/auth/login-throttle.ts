/**
 * Login throttling (ASVS 2.2.1): failed sign-ins are counted per account name and per IP in
 * `rate-limiter-flexible`, in Redis when REDIS_URL is set (shared by every instance) and in
 * memory otherwise. Unknown account names are counted exactly like real ones, so the limiter
 * is not an existence oracle either.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

import type { Config } from '../../config.ts';
import { AppError } from '../../lib/errors.ts';

export interface LoginThrottle {
  /** Throws RATE_LIMITED (with `details.retryAfterSeconds`) while the account name or the IP is blocked. */
  assertAllowed(login: string, ip: string): Promise<void>;
  recordFailure(login: string, ip: string): Promise<void>;
  /** A correct password clears the account's count (the IP's keeps running). */
  recordSuccess(login: string): Promise<void>;
  close(): Promise<void>;
}

type ThrottleConfig = Pick<
  Config,
  'REDIS_URL' | 'LOGIN_THROTTLE_KEY_PREFIX' | 'LOGIN_MAX_FAILURES_PER_ACCOUNT' | 'LOGIN_MAX_FAILURES_PER_IP' | 'LOGIN_FAILURE_WINDOW_SECONDS'
>;

/**
 * @example
 * const throttle = createLoginThrottle(config, logger);
 * await throttle.assertAllowed('alice', request.ip);
 */
export function createLoginThrottle(config: ThrottleConfig, logger?: Pick<Logger, 'warn'>): LoginThrottle {
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: true }) : null;
  // ioredis reconnects by itself and the insurance limiter covers the gap: say so, do not crash.
  redis?.on('error', (error: Error) => logger?.warn({ err: error.message }, 'login throttle: Redis unavailable, counting in memory'));
  function limiter(name: string, points: number): RateLimiterAbstract {
    const options = { keyPrefix: `${config.LOGIN_THROTTLE_KEY_PREFIX}:${name}`, points, duration: config.LOGIN_FAILURE_WINDOW_SECONDS };
    if (!redis) return new RateLimiterMemory(options);
    // Redis down must not lock everybody out (nor let everybody in): fall back to this process's memory.
    // rejectIfRedisNotReady: while Redis is down go to memory at once; otherwise each sign-in waits
    // for ioredis' offline queue and reconnect attempts (~9 s per attempt, measured in tests/faults/redis-outage).
    return new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(options) });
  }
  const byAccount = limiter('account', config.LOGIN_MAX_FAILURES_PER_ACCOUNT);
  const byIp = limiter('ip', config.LOGIN_MAX_FAILURES_PER_IP);
  const accountKey = (login: string) => login.trim().normalize('NFKC').toLowerCase();

  return {
    async assertAllowed(login, ip) {
      const [account, address] = await Promise.all([byAccount.get(accountKey(login)), byIp.get(ip)]);
      const waits = [
        account && account.consumedPoints >= byAccount.points ? account.msBeforeNext : 0,
        address && address.consumedPoints >= byIp.points ? address.msBeforeNext : 0,
      ];
      const waitMs = Math.max(...waits);
      if (waitMs > 0) {
        const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
        throw new AppError('RATE_LIMITED', `Too many failed sign-ins; try again in ${retryAfterSeconds} seconds`, { details: { retryAfterSeconds } });
      }
    },
    async recordFailure(login, ip) {
      await Promise.all([consumeIgnoringLimit(byAccount, accountKey(login)), consumeIgnoringLimit(byIp, ip)]);
    },
    async recordSuccess(login) {
      await byAccount.delete(accountKey(login));
    },
    async close() {
      await redis?.quit();
    },
  };
}

/** Counting past the limit rejects with a RateLimiterRes; that is the point, not an error. */
async function consumeIgnoringLimit(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
  }
}
