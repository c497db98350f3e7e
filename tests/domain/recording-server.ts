/**
 * A test server whose Kysely instance records every statement it sends (SQL and parameters),
 * so tests can count statements per request and EXPLAIN the exact SQL a procedure ran.
 */
import { Writable } from 'node:stream';

import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';

import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createDatabase, type Database } from '../../src/db/database.ts';
import type { DB } from '../../src/db/schema.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { createScaleOutDeps } from '../../src/realtime/scale-out-deps.ts';
import { createTestDatabase } from '../helpers/test-database.ts';
import { createApiClient } from '../helpers/test-server.ts';

export interface RecordedStatement {
  sql: string;
  parameters: readonly unknown[];
}

/** @example const server = await startRecordingServer(); server.statements.length = 0; await call(); */
export async function startRecordingServer() {
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: database.url, RATE_LIMITS: 'off' });
  const logger = createLogger(config, new Writable({ write: (_chunk, _encoding, callback) => callback() }));
  const statements: RecordedStatement[] = [];
  const { pool } = createDatabase(config, database.url, logger);
  const db: Database = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
    log: (event) => {
      statements.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  const scaleOut = await createScaleOutDeps(config, { db, pool, connectionString: database.url }, logger);
  // Reads go through the recording instance too, so every statement is counted.
  const app = await buildApp({ config, db, logger, metrics: createMetrics(), ...scaleOut, readDb: db });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('server has no address');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    baseUrl,
    db,
    statements,
    api: createApiClient(baseUrl),
    async close() {
      scaleOut.stopStreams();
      await app.close();
      await scaleOut.close();
      await db.destroy();
      await database.drop();
    },
  };
}
