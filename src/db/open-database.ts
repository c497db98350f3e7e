/**
 * Decides which PostgreSQL the process uses: `DATABASE_URL` when set, otherwise an embedded
 * server in `EMBEDDED_PG_DIR` holding a `conduit` database (created on first start).
 */
import type { Logger } from 'pino';

import type { Config } from '../config.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { createDatabaseIfMissing } from './postgres-admin.ts';

export const embeddedDatabaseName = 'conduit';

export interface DatabaseLocation {
  connectionString: string;
  /** True when this process started the server (and so must stop it). */
  isEmbedded: boolean;
  stop: () => Promise<void>;
}

/** @example const location = await locateDatabase(config, logger); */
export async function locateDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'EMBEDDED_PG_DIR' | 'EMBEDDED_PG_PORT'>,
  logger: Logger,
): Promise<DatabaseLocation> {
  if (config.DATABASE_URL) {
    return { connectionString: config.DATABASE_URL, isEmbedded: false, stop: async () => {} };
  }
  const server = await startEmbeddedPostgres({
    dataDir: config.EMBEDDED_PG_DIR,
    port: config.EMBEDDED_PG_PORT,
    persistent: true,
    logger,
  });
  await createDatabaseIfMissing(server.adminUrl, embeddedDatabaseName);
  return { connectionString: server.urlFor(embeddedDatabaseName), isEmbedded: true, stop: server.stop };
}
