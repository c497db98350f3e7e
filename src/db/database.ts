/**
 * The Kysely instance over a `pg` pool. snake_case in SQL, camelCase in TypeScript
 * (CamelCasePlugin); pool size and timeouts come from config so operators can tune them.
 */
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';

import type { Config } from '../config.ts';
import type { AppMetrics } from '../observability/metrics.ts';
import { createQueryLog } from '../observability/query-log.ts';
import { boundedPool } from './bounded-pool.ts';
import type { DB } from './schema.ts';

export type Database = Kysely<DB>;

export interface DatabaseHandle {
  db: Database;
  pool: pg.Pool;
}

/**
 * Opens a pool (lazily: no connection is made until the first query).
 *
 * @example
 * const { db } = createDatabase(config, 'postgres://postgres@127.0.0.1:5432/conduit', logger);
 * const users = await db.selectFrom('users').select(['id', 'username']).execute();
 */
export function createDatabase(
  config: Pick<Config, 'DB_POOL_MAX' | 'DB_STATEMENT_TIMEOUT_MS' | 'DB_CONNECTION_TIMEOUT_MS'> &
    Partial<Pick<Config, 'DB_POOL_MAX_WAITING' | 'SLOW_QUERY_MS'>>,
  connectionString: string,
  logger: Logger,
  metrics?: AppMetrics,
): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString,
    max: config.DB_POOL_MAX,
    connectionTimeoutMillis: config.DB_CONNECTION_TIMEOUT_MS,
    statement_timeout: config.DB_STATEMENT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    application_name: 'conduit-api',
  });
  // An idle client losing its connection (e.g. a database restart) must not crash the process;
  // the pool discards it and the next query opens a fresh one.
  pool.on('error', (error) => logger.warn({ error: error.message }, 'idle database connection failed'));
  // Operability (faults): a bounded wait queue, pool gauges, query timings and slow-query logs.
  metrics?.observePool(pool);
  const dialect = new PostgresDialect({ pool: boundedPool(pool, config.DB_POOL_MAX_WAITING ?? Number.POSITIVE_INFINITY, logger) });
  const log = createQueryLog({ metrics, logger, slowQueryMs: config.SLOW_QUERY_MS ?? Number.POSITIVE_INFINITY });
  const db = new Kysely<DB>({ dialect, plugins: [new CamelCasePlugin()], log });
  return { db, pool };
}
