/**
 * Job queue metrics: depth by state, read from graphile-worker's `jobs` view at scrape time (so
 * the API reports the queue even when workers run elsewhere), and outcomes of the jobs this
 * process runs, from the worker's events.
 */
import type { WorkerEvents } from 'graphile-worker';
import { sql } from 'kysely';
import { Counter, Gauge } from 'prom-client';

import type { Database } from '../db/database.ts';
import type { AppMetrics } from './metrics.ts';

/** @example observeJobs(metrics, { db, events: jobs?.events }); */
export function observeJobs(metrics: AppMetrics, deps: { db: Database; events?: WorkerEvents | undefined }): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'conduit_job_queue_jobs',
    help: 'Jobs in the queue by state: ready (due, unlocked), scheduled (not yet due, e.g. backing off), locked (running), dead (out of attempts)',
    labelNames: ['state'],
    registers,
    async collect() {
      try {
        const { rows } = await sql<{ ready: number; scheduled: number; locked: number; dead: number }>`
          SELECT count(*) FILTER (WHERE locked_at IS NULL AND run_at <= now() AND attempts < max_attempts)::int AS ready,
                 count(*) FILTER (WHERE locked_at IS NULL AND run_at > now() AND attempts < max_attempts)::int AS scheduled,
                 count(*) FILTER (WHERE locked_at IS NOT NULL)::int AS locked,
                 count(*) FILTER (WHERE attempts >= max_attempts)::int AS dead
          FROM graphile_worker.jobs`.execute(deps.db);
        for (const [state, count] of Object.entries(rows[0] ?? {})) this.set({ state }, count);
      } catch {
        // Database unreachable: the scrape still answers; the gauges keep their last values and
        // conduit_db_* plus /readyz tell the story.
      }
    },
  });
  if (!deps.events) return;
  const outcomes = new Counter({
    name: 'conduit_jobs_total',
    help: 'Job runs in this process by task and outcome (success, error = will retry, failed = out of attempts)',
    labelNames: ['task', 'outcome'],
    registers,
  });
  deps.events.on('job:success', ({ job }) => outcomes.inc({ task: job.task_identifier, outcome: 'success' }));
  deps.events.on('job:error', ({ job }) => outcomes.inc({ task: job.task_identifier, outcome: 'error' }));
  deps.events.on('job:failed', ({ job }) => outcomes.inc({ task: job.task_identifier, outcome: 'failed' }));
}
