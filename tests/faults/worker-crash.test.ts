/**
 * A worker process is SIGKILLed in the middle of sending an email (the SMTP sink holds the
 * delivery unanswered). The job stays locked by the dead worker until its lock is released —
 * by the next worker's crash check, long before graphile-worker's 4 h lock expiry — and is then
 * retried and delivered exactly once, with every other email of the batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { enqueueEmail } from '../../src/jobs/email-outbox.ts';
import { listQueuedJobs, waitForQueueToDrain } from '../helpers/job-queue.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { signalWorker, startWorkerProcess, type WorkerProcess } from '../helpers/worker-process.ts';

let sink: SmtpSink;
let server: TestServer;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  sink = await startSmtpSink();
  server = await startTestServer(); // the database and enqueueing; the workers are processes
});
afterAll(async () => {
  for (const worker of workers) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) signalWorker(worker, 'SIGKILL');
    await worker.exited;
  }
  await server.close();
  await sink.close();
}, 60_000);

async function startWorker(): Promise<WorkerProcess> {
  const worker = await startWorkerProcess({ DATABASE_URL: server.database.url, SMTP_URL: sink.url, JOBS_CRASH_CHECK_INTERVAL_MS: '200' });
  workers.push(worker);
  return worker;
}

describe('worker SIGKILL mid-job', () => {
  it('retries the interrupted job after its lock is released and sends every email exactly once', async () => {
    const batch = 10;
    const crashing = await startWorker();
    const held = sink.holdNextDelivery();
    for (let n = 0; n < batch; n++) {
      await enqueueEmail(server.db, { to: `crash-${n}@example.com`, subject: `Crash batch ${n}`, text: 'x', idempotencyKey: `crash-batch-${n}` });
    }
    await held;
    const lockedAtKill = (await listQueuedJobs(server.db)).filter((job) => job.lockedBy !== null).length;
    signalWorker(crashing, 'SIGKILL');
    await crashing.exited;
    const killedAt = performance.now();
    sink.acceptDeliveries();

    await startWorker();
    await waitForQueueToDrain(server.db, 30_000);
    const drainedMs = performance.now() - killedAt;
    const deliveries = new Map<string, number>();
    for (const message of sink.messages.filter((m) => m.subject?.startsWith('Crash batch '))) {
      deliveries.set(message.subject ?? '', (deliveries.get(message.subject ?? '') ?? 0) + 1);
    }
    const duplicates = [...deliveries.values()].filter((count) => count > 1).length;
    console.info(
      `[faults] worker SIGKILL: emails=${batch} lockedAtKill=${lockedAtKill} delivered=${deliveries.size} duplicates=${duplicates} ` +
        `allDeliveredWithinMs=${Math.round(drainedMs)}`,
    );
    expect(lockedAtKill).toBeGreaterThan(0);
    expect(deliveries.size).toBe(batch);
    expect(duplicates).toBe(0);
  }, 60_000);
});
