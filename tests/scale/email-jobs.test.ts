/** Every instance runs a job worker on the shared queue: each queued email is sent exactly once. */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDatabase, type Database } from '../../src/db/database.ts';
import { enqueueEmail } from '../../src/jobs/email-outbox.ts';
import { waitForQueueToDrain } from '../helpers/job-queue.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { startCluster, type Cluster } from './instances.ts';

let sink: SmtpSink;
let cluster: Cluster;
let db: Database;
beforeAll(async () => {
  sink = await startSmtpSink();
  cluster = await startCluster(['a', 'b', 'c'], { SMTP_URL: sink.url, JOBS_IN_PROCESS: 'true', JOBS_POLL_INTERVAL_MS: '200' });
  ({ db } = createDatabase({ DB_POOL_MAX: 2, DB_STATEMENT_TIMEOUT_MS: 5_000, DB_CONNECTION_TIMEOUT_MS: 2_000 }, cluster.database.url, pino({ level: 'silent' })));
});
afterAll(async () => {
  await db.destroy();
  await cluster.close();
  await sink.close();
});

describe('email jobs across instances', () => {
  it('sends every queued email exactly once although three workers share the queue', async () => {
    const recipients = Array.from({ length: 30 }, (_, index) => `reader${index}@example.com`);
    for (const to of recipients) await enqueueEmail(db, { to, subject: 'Once', text: `for ${to}` });
    await waitForQueueToDrain(db, 30_000);
    const delivered = sink.messages.flatMap((message) => message.to).filter((to) => to.startsWith('reader'));
    expect(delivered.sort()).toEqual([...recipients].sort());
  });
});
