import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { enqueueEmail } from '../../src/jobs/email-outbox.ts';
import { listQueuedJobs, waitForQueueToDrain, waitUntil } from '../helpers/job-queue.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { signalWorker, startWorkerProcess, type WorkerProcess } from '../helpers/worker-process.ts';

let sink: SmtpSink;
let server: TestServer;
const running: Array<{ worker: WorkerProcess; viaNpm: boolean }> = [];

beforeAll(async () => {
  sink = await startSmtpSink();
  server = await startTestServer(); // the database (and enqueueing); no in-process worker
});
afterEach(async () => {
  for (const { worker, viaNpm } of running.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) signalWorker(worker, 'SIGKILL', { viaNpm });
    await worker.exited;
  }
});
afterAll(async () => {
  await server.close();
  await sink.close();
});

async function startWorker(viaNpm = false): Promise<WorkerProcess> {
  const worker = await startWorkerProcess(
    { DATABASE_URL: server.database.url, SMTP_URL: sink.url, JOBS_CRASH_CHECK_INTERVAL_MS: '200' },
    { viaNpm },
  );
  running.push({ worker, viaNpm });
  return worker;
}

describe('npm run worker', () => {
  it('sends queued emails from its own process and stops cleanly on SIGTERM', async () => {
    const worker = await startWorker(true);
    await enqueueEmail(server.db, { to: 'ada@example.com', subject: 'From the worker process', text: 'x' });
    await sink.waitForMessage((message) => message.subject === 'From the worker process');
    signalWorker(worker, 'SIGTERM', { viaNpm: true });
    await worker.exited;
    // A clean stop unregisters the process (a crash leaves its row for the next worker to clear).
    await waitUntil(async () => ((await server.db.selectFrom('jobWorkerInstances').selectAll().execute()).length === 0 ? true : undefined));
  });
});

describe('a worker crashing before it sends', () => {
  it('leaves the email to be sent exactly once by the next worker', async () => {
    const crashing = await startWorker();
    const held = sink.holdNextDelivery();
    await enqueueEmail(server.db, { to: 'ada@example.com', subject: 'Survives a crash', text: 'x', idempotencyKey: 'crash-1' });
    await held; // the worker is mid-send: the job is locked and nothing was delivered
    expect((await listQueuedJobs(server.db)).find((job) => job.key === 'email:crash-1')?.lockedBy).toEqual(expect.any(String));

    signalWorker(crashing, 'SIGKILL');
    await crashing.exited;
    sink.acceptDeliveries();

    await startWorker();
    await sink.waitForMessage((message) => message.subject === 'Survives a crash');
    await waitForQueueToDrain(server.db);
    expect(sink.messages.filter((message) => message.subject === 'Survives a crash')).toHaveLength(1);
    // The crashed process is forgotten once its jobs are released.
    const instances = await waitUntil(async () => {
      const rows = await server.db.selectFrom('jobWorkerInstances').select('pid').execute();
      return rows.length === 1 ? rows : undefined;
    });
    expect(instances[0]?.pid).not.toBe(crashing.child.pid);
  });
});
