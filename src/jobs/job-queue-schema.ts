/**
 * Installs or upgrades graphile-worker's own schema (`graphile_worker`). It lives beside the
 * Kysely migrations, not inside them: graphile-worker versions its schema itself, and
 * `enqueueEmail` needs it to exist before the first request, even when no worker runs here.
 */
import { runMigrations } from 'graphile-worker';
import type { Logger } from 'pino';

import { graphileLoggerFor } from './graphile-logger.ts';

/**
 * @example await installJobQueueSchema(connectionString, logger); // idempotent, safe on every start
 */
export async function installJobQueueSchema(connectionString: string, logger: Logger): Promise<void> {
  await runMigrations({ connectionString, maxPoolSize: 1, logger: graphileLoggerFor(logger) });
}
