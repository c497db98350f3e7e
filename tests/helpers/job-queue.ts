/** Waiting on the job queue in tests: poll with a bounded deadline instead of sleeping. */
import { sql } from 'kysely';

import type { Database } from '../../src/db/database.ts';

export interface QueuedJob {
  id: string;
  key: string | null;
  attempts: number;
  lastError: string | null;
  lockedBy: string | null;
}

/** @example const jobs = await listQueuedJobs(server.db); */
export async function listQueuedJobs(db: Database): Promise<QueuedJob[]> {
  const { rows } = await sql<QueuedJob>`
    SELECT id::text, key, attempts, last_error AS "lastError", locked_by AS "lockedBy"
    FROM graphile_worker.jobs ORDER BY id`.execute(db);
  return rows;
}

/**
 * Polls until `check` returns a value other than undefined, or fails after `timeoutMs`.
 *
 * @example const job = await waitUntil(async () => (await listQueuedJobs(db)).find((j) => j.attempts > 0));
 */
export async function waitUntil<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Resolves once no job is left in the queue (every email sent or permanently failed). */
export async function waitForQueueToDrain(db: Database, timeoutMs = 15_000): Promise<void> {
  await waitUntil(async () => ((await listQueuedJobs(db)).length === 0 ? true : undefined), timeoutMs, 'the job queue to drain');
}
