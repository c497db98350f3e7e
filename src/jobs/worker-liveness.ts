/**
 * Crash recovery for job workers. graphile-worker only frees the jobs of a worker that died
 * mid-job when their lock is four hours old; we know sooner. Each runner process holds a
 * session advisory lock for its `job_worker_instances` row while it lives — PostgreSQL drops it
 * the moment the process's connection dies — so a row whose lock can be taken is a crashed
 * process, and its workers' jobs are force-unlocked (they run again, once, on a live worker).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

import { sql } from 'kysely';
import type pg from 'pg';

import type { Database } from '../db/database.ts';

const lockNamespace = 'conduit-job-worker:';

export interface WorkerInstance {
  instanceId: string;
  /** Records a graphile-worker worker or pool id (what `locked_by` holds) as this live process's. */
  addWorker(workerId: string): Promise<void>;
  /** Unregisters (after a graceful stop, when no job of ours is locked any more). */
  release(): Promise<void>;
}

/**
 * Registers this process; the lock is taken before the row exists so no one can mistake us for dead.
 *
 * @example const instance = await registerWorkerInstance(db, pool); // … await instance.release();
 */
export async function registerWorkerInstance(db: Database, pool: pg.Pool): Promise<WorkerInstance> {
  const instanceId = randomUUID();
  const lockClient = await pool.connect();
  try {
    await lockClient.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [lockNamespace + instanceId]);
    await db.insertInto('jobWorkerInstances').values({ instanceId, hostname: hostname(), pid: process.pid }).execute();
  } catch (error) {
    lockClient.release(true);
    throw error;
  }
  return {
    instanceId,
    async addWorker(workerId) {
      await db
        .updateTable('jobWorkerInstances')
        .set({ workerIds: sql<string[]>`array_append(worker_ids, ${workerId})` })
        .where('instanceId', '=', instanceId)
        .execute();
    },
    async release() {
      try {
        await db.deleteFrom('jobWorkerInstances').where('instanceId', '=', instanceId).execute();
      } finally {
        // Destroying the connection also drops the advisory lock.
        lockClient.release(true);
      }
    },
  };
}

/**
 * Unlocks the jobs of every crashed runner process and forgets the process; returns how many
 * worker ids were unlocked.
 *
 * @example const unlocked = await releaseJobsOfCrashedWorkers(db);
 */
export async function releaseJobsOfCrashedWorkers(db: Database): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // The transaction-level try-lock succeeds only when no live session holds the instance's lock.
    const { rows: crashed } = await sql<{ instanceId: string; workerIds: string[] }>`
      SELECT instance_id AS "instanceId", worker_ids AS "workerIds" FROM job_worker_instances
      WHERE pg_try_advisory_xact_lock(hashtextextended(${lockNamespace} || instance_id, 0))`.execute(trx);
    if (crashed.length === 0) return 0;
    const workerIds = crashed.flatMap((instance) => instance.workerIds);
    if (workerIds.length > 0) await sql`SELECT graphile_worker.force_unlock_workers(${workerIds}::text[])`.execute(trx);
    await trx.deleteFrom('jobWorkerInstances').where('instanceId', 'in', crashed.map((instance) => instance.instanceId)).execute();
    return workerIds.length;
  });
}
