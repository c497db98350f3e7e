/**
 * Builds the long-lived pieces that let N instances act as one: the read replica handle, the
 * event bus (PostgreSQL LISTEN/NOTIFY, or Redis when REDIS_URL is set), the open-stream hub and
 * the rate-limit policies (Redis-backed when REDIS_URL is set). server.ts and the test server
 * both use it, so tests run exactly what production runs.
 */
import type pg from 'pg';
import type { Logger } from 'pino';

import type { Config } from '../config.ts';
import { createDatabase, type Database } from '../db/database.ts';
import { createRedis } from '../lib/redis.ts';
import { createRateLimits, type RateLimits } from '../rate-limit/rate-limits.ts';
import { createEventBus, type EventBus } from './event-bus.ts';
import { createPostgresTransport, createRedisTransport } from './event-transports.ts';
import { createSubscriptionHub, type SubscriptionHub } from './subscription-hub.ts';

export interface ScaleOutDeps {
  readDb: Database;
  bus: EventBus;
  subscriptions: SubscriptionHub;
  rateLimits: RateLimits;
  /** Ends every open stream (clients reconnect elsewhere); call before `app.close()`. */
  stopStreams(): void;
  /** Closes the bus, Redis and the replica pool; call after `app.close()`. */
  close(): Promise<void>;
}

/**
 * @example
 * const { db, pool } = createDatabase(config, url, logger);
 * const scaleOut = await createScaleOutDeps(config, { db, pool, connectionString: url }, logger);
 * const app = await buildApp({ config, db, logger, ...scaleOut });
 */
export async function createScaleOutDeps(
  config: Config,
  primary: { db: Database; pool: pg.Pool; connectionString: string },
  logger: Logger,
): Promise<ScaleOutDeps> {
  const replica = config.DATABASE_READ_URL ? createDatabase(config, config.DATABASE_READ_URL, logger) : undefined;
  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL, logger, 'rate-limits') : undefined;
  const transport = config.REDIS_URL
    ? createRedisTransport(config.REDIS_URL, `${config.REDIS_KEY_PREFIX}events`, logger)
    : createPostgresTransport(primary.connectionString, primary.pool, logger);
  const bus = createEventBus({ db: primary.db, transport, logger, replayWindowSeconds: config.EVENTS_REPLAY_WINDOW_SECONDS });
  await bus.start();
  const subscriptions = createSubscriptionHub(config);
  logger.info(
    { events: transport.name, rateLimits: config.RATE_LIMITS === 'off' ? 'off' : redis ? 'redis' : 'memory', readReplica: Boolean(replica) },
    'scale-out wiring',
  );
  return {
    readDb: replica?.db ?? primary.db,
    bus,
    subscriptions,
    rateLimits: createRateLimits(config, redis, logger),
    stopStreams: () => subscriptions.shutdown(),
    async close() {
      await bus.close();
      redis?.disconnect();
      await replica?.db.destroy();
    },
  };
}
