/**
 * `npm run worker`: the job worker as its own process (run the server with
 * JOBS_IN_PROCESS=false). SIGTERM/SIGINT stop it gracefully: running jobs finish or are released.
 */
import closeWithGrace from 'close-with-grace';

import { loadConfigOrExit } from '../config.ts';
import { createDatabase } from '../db/database.ts';
import { locateDatabase } from '../db/open-database.ts';
import { createLogger } from '../lib/logger.ts';
import { startJobRunner } from './job-runner.ts';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config).child({ process: 'worker' });
  const location = await locateDatabase(config, logger);
  const { db } = createDatabase(config, location.connectionString, logger);
  const jobs = await startJobRunner({ config, db, logger, connectionString: location.connectionString });
  closeWithGrace({ delay: config.SHUTDOWN_TIMEOUT_MS, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'worker shutting down after an unexpected error');
    else logger.info({ signal }, 'worker shutting down');
    await jobs.stop();
    await db.destroy();
    await location.stop();
  });
  logger.info({ concurrency: config.JOBS_CONCURRENCY }, 'job worker ready');
}

await main();
