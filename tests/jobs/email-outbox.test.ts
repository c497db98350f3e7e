import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { enqueueEmail } from '../../src/jobs/email-outbox.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function queuedEmailKeys(): Promise<string[]> {
  const { rows } = await sql<{ key: string }>`
    SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'send_email' ORDER BY id`.execute(server.db);
  return rows.map((row) => row.key);
}

describe('enqueueEmail', () => {
  it('queues the email when the transaction commits', async () => {
    await server.db.transaction().execute(async (trx) => {
      await enqueueEmail(trx, { to: 'ada@example.com', subject: 'Hi', text: 'Hello', idempotencyKey: 'outbox-commit' });
    });
    expect(await queuedEmailKeys()).toContain('email:outbox-commit');
  });

  it('queues nothing when the transaction rolls back', async () => {
    await expect(
      server.db.transaction().execute(async (trx) => {
        await enqueueEmail(trx, { to: 'ada@example.com', subject: 'Hi', text: 'Hello', idempotencyKey: 'outbox-rollback' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await queuedEmailKeys()).not.toContain('email:outbox-rollback');
  });

  it('collapses a re-enqueue of a pending email with the same idempotency key into one job', async () => {
    await enqueueEmail(server.db, { to: 'ada@example.com', subject: 'Hi', text: 'One', idempotencyKey: 'outbox-twice' });
    await enqueueEmail(server.db, { to: 'ada@example.com', subject: 'Hi', text: 'Two', idempotencyKey: 'outbox-twice' });
    expect((await queuedEmailKeys()).filter((key) => key === 'email:outbox-twice')).toHaveLength(1);
  });

  it('refuses a subject with a line break (header injection)', async () => {
    await expect(
      enqueueEmail(server.db, { to: 'ada@example.com', subject: 'Hi\r\nBcc: eve@example.com', text: 'x' }),
    ).rejects.toThrow('single line');
  });
});
