/**
 * Process entry: config → database → app → listen, and a graceful shutdown on SIGTERM/SIGINT
 * (stop accepting, finish in-flight requests within SHUTDOWN_TIMEOUT_MS, close the pool, stop
 * the embedded database, exit 0).
 */
import closeWithGrace from 'close-with-grace';

import { buildApp } from './app.ts';
import { loadConfigOrExit } from './config.ts';
import { createDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrator.ts';
import { locateDatabase } from './db/open-database.ts';
import { demoPassword, isDatabaseEmpty, seedDemoData } from './db/seed.ts';
import { createLogger } from './lib/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { createScaleOutDeps } from './realtime/scale-out-deps.ts';
import { installJobQueueSchema } from './jobs/job-queue-schema.ts';
import { startJobRunner } from './jobs/job-runner.ts';
import { createLoginThrottle } from './features/auth/login-throttle.ts';

async function main(): Promise<void> {
  const config = loadConfigOrExit();

  const logger = createLogger(config);
  const startedAt = performance.now();
  const location = await locateDatabase(config, logger);
  const metrics = createMetrics();
  const { db, pool } = createDatabase(config, location.connectionString, logger, metrics);
  if (config.MIGRATE_ON_START) {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    await installJobQueueSchema(location.connectionString, logger);
  }
  // A newcomer's first `npm start` on the embedded database shows demo content at once.
  if (config.SEED_DEMO_DATA && location.isEmbedded && (await isDatabaseEmpty(db))) {
    logger.info({ ...(await seedDemoData(db, { articles: 500 })), demoAccountsSignInWith: demoPassword }, 'demo data seeded (SEED_DEMO_DATA)');
  }

  const jobs = config.JOBS_IN_PROCESS
    ? await startJobRunner({ config, db, logger, connectionString: location.connectionString })
    : undefined;
  const loginThrottle = createLoginThrottle(config, logger);
  const scaleOut = await createScaleOutDeps(config, { db, pool, connectionString: location.connectionString }, logger);
  const app = await buildApp({ config, db, logger, metrics, jobs, loginThrottle, ...scaleOut });
  closeWithGrace({ delay: config.SHUTDOWN_TIMEOUT_MS, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an unexpected error');
    else logger.info({ signal }, 'shutting down');
    // Streams end first (clients reconnect to another instance), or close() would wait on them.
    scaleOut.stopStreams();
    await app.close();
    await scaleOut.close();
    await loginThrottle.close();
    await db.destroy();
    await location.stop();
  });

  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info(
    { embeddedDatabase: location.isEmbedded, startupMs: Math.round(performance.now() - startedAt) },
    'Conduit API ready',
  );
}

await main();
