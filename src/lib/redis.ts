/**
 * Redis connections (ioredis). Every command fails fast while Redis is unreachable instead of
 * queueing: callers (rate limits, the event bus) decide what an outage means for them, and
 * ioredis keeps reconnecting in the background so they recover when Redis returns.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * @example
 * const redis = createRedis('redis://127.0.0.1:6379', logger, 'rate-limits');
 * await redis.ping();
 */
export function createRedis(
  url: string,
  logger: Logger,
  purpose: string,
  options: { queueWhileOffline?: boolean; autoResubscribe?: boolean } = {},
): Redis {
  const redis = new Redis(url, {
    // A pub/sub subscriber must queue its SUBSCRIBE until the first connection is up.
    enableOfflineQueue: options.queueWhileOffline ?? false,
    autoResubscribe: options.autoResubscribe ?? true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    // Back off to at most 2 s between attempts, forever: an outage must end on its own.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    connectionName: `conduit-api:${purpose}`,
  });
  let isDown = false;
  redis.on('error', (error: Error) => {
    if (!isDown) logger.warn({ purpose, error: error.message }, 'redis unreachable');
    isDown = true;
  });
  redis.on('ready', () => {
    if (isDown) logger.info({ purpose }, 'redis reachable again');
    isDown = false;
  });
  return redis;
}
