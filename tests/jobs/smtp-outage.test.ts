import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { enqueueEmail } from '../../src/jobs/email-outbox.ts';
import { listQueuedJobs, waitForQueueToDrain, waitUntil } from '../helpers/job-queue.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

describe('SMTP server down, then back', () => {
  let sink: SmtpSink;
  let server: TestServer;
  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startTestServer({ SMTP_URL: sink.url, SMTP_RETRY_INITIAL_DELAY_MS: '10' }, { jobs: true });
  });
  afterAll(async () => {
    await server.close();
    await sink.close();
  });

  it('retries the email and delivers it once the server returns', async () => {
    await sink.stop();
    await enqueueEmail(server.db, { to: 'ada@example.com', subject: 'Despite the outage', text: 'x', idempotencyKey: 'outage-1' });
    const failed = await waitUntil(async () => (await listQueuedJobs(server.db)).find((job) => job.attempts >= 1 && job.lastError !== null));
    expect(failed.lastError).toMatch(/ECONNREFUSED/);
    expect(server.logs.filter((line) => line.msg === 'SMTP send failed; retrying').length).toBeGreaterThanOrEqual(1);

    await sink.start();
    await sink.waitForMessage((message) => message.subject === 'Despite the outage', 20_000);
    await waitForQueueToDrain(server.db);
    expect(sink.messages.filter((message) => message.subject === 'Despite the outage')).toHaveLength(1);
  });
});

describe('circuit breaker', () => {
  let sink: SmtpSink;
  let server: TestServer;
  beforeAll(async () => {
    sink = await startSmtpSink();
    await sink.stop();
    server = await startTestServer(
      {
        SMTP_URL: sink.url,
        SMTP_RETRY_ATTEMPTS: '5',
        SMTP_RETRY_INITIAL_DELAY_MS: '10',
        SMTP_BREAKER_THRESHOLD: '2',
        SMTP_BREAKER_HALF_OPEN_AFTER_MS: '600000',
      },
      { jobs: true },
    );
  });
  afterAll(async () => {
    await server.close();
    await sink.close();
  });

  it('opens after consecutive failures and fails sends fast instead of retrying them', async () => {
    await enqueueEmail(server.db, { to: 'ada@example.com', subject: 'Breaker', text: 'x', idempotencyKey: 'breaker-1' });
    const failed = await waitUntil(async () => (await listQueuedJobs(server.db)).find((job) => job.lastError !== null));
    expect(failed.lastError).toMatch(/circuit breaker is open/);
    expect(server.logs.filter((line) => line.msg === 'SMTP circuit breaker opened')).toHaveLength(1);
    // Two connection attempts opened it; the third was refused without touching the network.
    expect(server.logs.filter((line) => line.msg === 'SMTP send failed; retrying')).toHaveLength(2);
  });
});
