/**
 * A bound on the queue in front of the pg pool. pg queues callers without limit while every
 * connection is busy (each waits up to DB_CONNECTION_TIMEOUT_MS); past DB_POOL_MAX_WAITING
 * waiters, a caller is refused at once with UNAVAILABLE instead of adding to the latency of all.
 */
import type { PostgresPool } from 'kysely';
import pg from 'pg';

import { AppError } from '../lib/errors.ts';

/**
 * @example new PostgresDialect({ pool: boundedPool(pool, 200) });
 */
export function boundedPool(pool: pg.Pool, maxWaiting: number): PostgresPool {
  return {
    connect: async () => {
      const isSaturated = pool.totalCount >= (pool.options.max ?? 10) && pool.idleCount === 0;
      if (isSaturated && pool.waitingCount >= maxWaiting) {
        throw new AppError('UNAVAILABLE', 'The database is busy; retry shortly', {
          details: { cause: 'pool-queue-full' },
        });
      }
      return pool.connect();
    },
    end: () => pool.end(),
    // Kysely opens a control connection from these to cancel queries (kill on abort).
    Client: pg.Client,
    options: pool.options,
  };
}
