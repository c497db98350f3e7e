/**
 * The PostgreSQL server the suite measures against: the one behind `DATABASE_URL` when given
 * (the suite only creates and drops its own `conduit_bench_*` databases on it), otherwise an
 * embedded server in a temporary directory, removed afterwards.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { pino } from 'pino';

import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { migrateToLatest, openSchemaAgnosticDb } from '../src/db/migrator.ts';
import { databaseUrl, dropDatabase, withAdminClient } from '../src/db/postgres-admin.ts';
import { findFreePort } from '../tests/helpers/free-port.ts';

export interface BenchDatabaseServer {
  isEmbedded: boolean;
  /** PostgreSQL's own version string, for the report. */
  version: string;
  /** Creates and migrates a fresh, uniquely named database; returns its URL. */
  createMigratedDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }>;
  stop(): Promise<void>;
}

/**
 * @example
 * const server = await openBenchDatabaseServer(process.env.DATABASE_URL);
 * const { url, drop } = await server.createMigratedDatabase('10k');
 */
export async function openBenchDatabaseServer(adminUrl: string | undefined): Promise<BenchDatabaseServer> {
  const isEmbedded = !adminUrl;
  let stopEmbedded = async () => {};
  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(tmpdir(), `conduit-bench-pg-${randomBytes(4).toString('hex')}`),
      port: await findFreePort(),
      persistent: false,
      logger: pino({ level: 'silent' }),
    });
    adminUrl = embedded.adminUrl;
    stopEmbedded = embedded.stop;
  }
  const serverUrl = adminUrl;
  const version = await withAdminClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  });

  return {
    isEmbedded,
    version,
    async createMigratedDatabase(label) {
      const name = `conduit_bench_${label}_${randomBytes(3).toString('hex')}`;
      await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
      const url = databaseUrl(serverUrl, name);
      const db = openSchemaAgnosticDb(url);
      try {
        await migrateToLatest(db);
      } finally {
        await db.destroy();
      }
      return {
        url,
        drop: () => dropDatabase(serverUrl, name),
      };
    },
    stop: () => stopEmbedded(),
  };
}
