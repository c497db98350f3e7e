/**
 * Starts graphile-worker with our tasks, either inside the server (JOBS_IN_PROCESS) or in
 * `npm run worker`. `stop()` is graceful: running jobs finish (or are released back to the
 * queue when they cannot), then the mailer closes.
 */
import { EventEmitter } from 'node:events';

import { parseCronItems, run, type WorkerEvents } from 'graphile-worker';
import pg from 'pg';
import type { Logger } from 'pino';

import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { sendEmailTaskName } from './email-outbox.ts';
import { graphileLoggerFor } from './graphile-logger.ts';
import { createMailer, type MailerConfig } from './mailer.ts';
import { createPruneExpiredRowsTask, pruneExpiredRowsSchedule, pruneExpiredRowsTaskName } from './prune-expired-rows.task.ts';
import { createSendEmailTask } from './send-email.task.ts';
import { registerWorkerInstance, releaseJobsOfCrashedWorkers } from './worker-liveness.ts';

export interface JobRunner {
  /** graphile-worker's event emitter (`job:success`, `job:error`, …) for metrics and tests. */
  events: WorkerEvents;
  stop(): Promise<void>;
}

export interface JobRunnerDeps {
  config: MailerConfig & Pick<Config, 'JOBS_CONCURRENCY' | 'JOBS_POLL_INTERVAL_MS' | 'JOBS_CRASH_CHECK_INTERVAL_MS' | 'IDEMPOTENCY_KEY_TTL_HOURS'>;
  db: Database;
  logger: Logger;
  /** The same database as `db`; graphile-worker opens its own small pool (and a LISTEN connection). */
  connectionString: string;
  /** Run the schedule (hourly pruning); default true. Tests turn it off so no job appears mid-test. */
  runsSchedule?: boolean;
}

/**
 * @example
 * const jobs = await startJobRunner({ config, db, logger, connectionString });
 * // … on shutdown:
 * await jobs.stop();
 */
export async function startJobRunner({ config, db, logger, connectionString, runsSchedule = true }: JobRunnerDeps): Promise<JobRunner> {
  const mailer = createMailer(config, logger);
  // Our own pool (not graphile-worker's) so we can log idle-connection errors instead of
  // crashing, and know it is fully closed when stop() resolves. Sized for the workers,
  // graphile-worker's LISTEN connection and the liveness lock.
  const pool = new pg.Pool({ connectionString, max: config.JOBS_CONCURRENCY + 3, application_name: 'conduit-jobs' });
  const logConnectionError = (error: Error) => logger.warn({ error: error.message }, 'job queue connection failed');
  pool.on('error', logConnectionError);
  // A checked-out client (graphile-worker's LISTEN connection) reports errors on itself, not the pool.
  pool.on('connect', (client) => client.on('error', logConnectionError));
  const instance = await registerWorkerInstance(db, pool).catch(async (error: unknown) => {
    await pool.end();
    throw error;
  });
  const releaseEverything = async () => {
    mailer.close();
    await instance.release();
    await pool.end();
  };
  const recoverCrashedWorkers = async () => {
    const unlocked = await releaseJobsOfCrashedWorkers(db);
    if (unlocked > 0) logger.warn({ workers: unlocked }, 'released the jobs of crashed job workers');
  };
  await recoverCrashedWorkers().catch(async (error: unknown) => {
    await releaseEverything();
    throw error;
  });
  const crashCheck = setInterval(() => {
    recoverCrashedWorkers().catch((error: unknown) => logger.warn({ err: error }, 'checking for crashed job workers failed'));
  }, config.JOBS_CRASH_CHECK_INTERVAL_MS);
  crashCheck.unref();

  // graphile-worker types its emitter; a plain EventEmitter is exactly that at runtime.
  const events = new EventEmitter() as WorkerEvents;
  // Jobs are locked by a worker's id or (batched fetching) its pool's id: record both.
  const recordLockOwner = (id: string) =>
    instance.addWorker(id).catch((error: unknown) => logger.warn({ err: error }, 'recording a job worker failed'));
  events.on('pool:create', ({ workerPool }) => void recordLockOwner(workerPool.id));
  events.on('worker:create', ({ worker }) => void recordLockOwner(worker.workerId));
  const runner = await run({
    pgPool: pool,
    events,
    concurrency: config.JOBS_CONCURRENCY,
    pollInterval: config.JOBS_POLL_INTERVAL_MS,
    // The process owner (server.ts / worker-cli.ts) handles signals and calls stop().
    noHandleSignals: true,
    logger: graphileLoggerFor(logger),
    // Cron items are given here (no crontab file to look for). graphile-worker records each
    // scheduled run in its schema, so with several workers every run still happens once.
    parsedCronItems: runsSchedule
      ? parseCronItems([
          {
            task: pruneExpiredRowsTaskName,
            match: pruneExpiredRowsSchedule,
            identifier: pruneExpiredRowsTaskName,
            // A missed hour is not worth catching up (the next run deletes the same rows); one queued run at a time.
            options: { backfillPeriod: 0, jobKey: pruneExpiredRowsTaskName, maxAttempts: 5 },
          },
        ])
      : [],
    taskList: {
      [sendEmailTaskName]: createSendEmailTask({ db, mailer, config }),
      [pruneExpiredRowsTaskName]: createPruneExpiredRowsTask({ db, config }),
    },
  }).catch(async (error: unknown) => {
    clearInterval(crashCheck);
    await releaseEverything();
    throw error;
  });
  let stopping: Promise<void> | undefined;
  return {
    events: runner.events,
    stop() {
      clearInterval(crashCheck);
      stopping ??= runner.stop().finally(releaseEverything);
      return stopping;
    },
  };
}
