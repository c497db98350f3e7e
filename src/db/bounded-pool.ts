/**
 * A bound on the queue in front of the pg pool. pg queues callers without limit while every
 * connection is busy (each waits up to DB_CONNECTION_TIMEOUT_MS); past DB_POOL_MAX_WAITING
 * waiters, a caller is refused at once with UNAVAILABLE instead of adding to the latency of all.
 */
import type { PostgresPool } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';

import { AppError } from '../lib/errors.ts';

/**
 * Also guards checked-out clients: pg emits 'error' on a client whose connection dies between
 * queries (a database restart mid-transaction), the pool only listens while the client is idle,
 * and Kysely never listens — an unhandled 'error' event would crash the process.
 *
 * @example new PostgresDialect({ pool: boundedPool(pool, 200, logger) });
 */
export function boundedPool(pool: pg.Pool, maxWaiting: number, logger: Logger): PostgresPool {
  const guarded = new WeakSet<pg.PoolClient>();
  return {
    connect: async () => {
      const isSaturated = pool.totalCount >= (pool.options.max ?? 10) && pool.idleCount === 0;
      if (isSaturated && pool.waitingCount >= maxWaiting) {
        throw new AppError('UNAVAILABLE', 'The database is busy; retry shortly', {
          details: { cause: 'pool-queue-full' },
        });
      }
      const client = await pool.connect();
      if (!guarded.has(client)) {
        guarded.add(client);
        // The query in flight (if any) fails with the same error and is reported there.
        client.on('error', (error) => logger.warn({ error: error.message }, 'database connection failed while checked out'));
      }
      return client;
    },
    end: () => pool.end(),
    // Kysely opens a control connection from these to cancel queries (kill on abort).
    Client: pg.Client,
    options: pool.options,
  };
}
