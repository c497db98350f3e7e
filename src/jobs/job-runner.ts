/**
 * Starts graphile-worker with our tasks, either inside the server (JOBS_IN_PROCESS) or in
 * `npm run worker`. `stop()` is graceful: running jobs finish (or are released back to the
 * queue when they cannot), then the mailer closes.
 */
import { run, type WorkerEvents } from 'graphile-worker';
import pg from 'pg';
import type { Logger } from 'pino';

import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { sendEmailTaskName } from './email-outbox.ts';
import { graphileLoggerFor } from './graphile-logger.ts';
import { createMailer, type MailerConfig } from './mailer.ts';
import { createSendEmailTask } from './send-email.task.ts';

export interface JobRunner {
  /** graphile-worker's event emitter (`job:success`, `job:error`, …) for metrics and tests. */
  events: WorkerEvents;
  stop(): Promise<void>;
}

export interface JobRunnerDeps {
  config: MailerConfig & Pick<Config, 'JOBS_CONCURRENCY' | 'JOBS_POLL_INTERVAL_MS'>;
  db: Database;
  logger: Logger;
  /** The same database as `db`; graphile-worker opens its own small pool (and a LISTEN connection). */
  connectionString: string;
}

/**
 * @example
 * const jobs = await startJobRunner({ config, db, logger, connectionString });
 * // … on shutdown:
 * await jobs.stop();
 */
export async function startJobRunner({ config, db, logger, connectionString }: JobRunnerDeps): Promise<JobRunner> {
  const mailer = createMailer(config, logger);
  // Our own pool (not graphile-worker's) so we can log idle-connection errors instead of
  // crashing, and know it is fully closed when stop() resolves.
  const pool = new pg.Pool({ connectionString, max: config.JOBS_CONCURRENCY + 2, application_name: 'conduit-jobs' });
  const logConnectionError = (error: Error) => logger.warn({ error: error.message }, 'job queue connection failed');
  pool.on('error', logConnectionError);
  // A checked-out client (graphile-worker's LISTEN connection) reports errors on itself, not the pool.
  pool.on('connect', (client) => client.on('error', logConnectionError));
  const runner = await run({
    pgPool: pool,
    concurrency: config.JOBS_CONCURRENCY,
    pollInterval: config.JOBS_POLL_INTERVAL_MS,
    // The process owner (server.ts / worker-cli.ts) handles signals and calls stop().
    noHandleSignals: true,
    logger: graphileLoggerFor(logger),
    taskList: { [sendEmailTaskName]: createSendEmailTask({ db, mailer, config }) },
  });
  let stopping: Promise<void> | undefined;
  return {
    events: runner.events,
    stop() {
      stopping ??= runner.stop().finally(async () => {
        mailer.close();
        await pool.end();
      });
      return stopping;
    },
  };
}
