/**
 * The PostgreSQL server the suite measures against: the one behind `DATABASE_URL` when given
 * (the suite only creates and drops its own `conduit_bench_*` databases on it), otherwise an
 * embedded server in a temporary directory, removed afterwards.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import pg from 'pg';
import { pino } from 'pino';

import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { migrateToLatest, openSchemaAgnosticDb } from '../src/db/migrator.ts';

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
  const version = await withClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  });

  return {
    isEmbedded,
    version,
    async createMigratedDatabase(label) {
      const name = `conduit_bench_${label}_${randomBytes(3).toString('hex')}`;
      await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
      const url = databaseUrl(serverUrl, name);
      const db = openSchemaAgnosticDb(url);
      try {
        await migrateToLatest(db);
      } finally {
        await db.destroy();
      }
      return {
        url,
        drop: () =>
          withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`)).then(
            () => undefined,
          ),
      };
    },
    stop: () => stopEmbedded(),
  };
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A port nobody listens on right now (for the embedded database and the server under test). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}
