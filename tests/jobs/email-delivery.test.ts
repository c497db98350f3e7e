import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { enqueueEmail } from '../../src/jobs/email-outbox.ts';
import { waitForQueueToDrain } from '../helpers/job-queue.ts';
import { startMailingTestServer, type MailingTestServer } from '../helpers/test-server.ts';

let server: MailingTestServer;
beforeAll(async () => {
  server = await startMailingTestServer();
});
afterAll(() => server.close());

describe('email through the job queue', () => {
  it('delivers an email enqueued in a committed transaction over SMTP', async () => {
    await server.db.transaction().execute(async (trx) => {
      await enqueueEmail(trx, {
        to: 'ada@example.com',
        subject: 'Verify your email',
        text: 'Your code is 123456',
        html: '<p>Your code is <b>123456</b></p>',
        idempotencyKey: 'delivery-commit',
      });
    });
    const email = await server.sink.waitForMessage((message) => message.subject === 'Verify your email');
    expect(email).toMatchObject({ to: ['ada@example.com'], from: 'no-reply@conduit.localhost' });
    expect(email.text).toContain('123456');
    expect(email.html).toContain('<b>123456</b>');
    expect(email.messageId).toMatch(/^<[0-9a-f]{32}@conduit\.localhost>$/);
  });

  it('never delivers an email whose transaction rolled back', async () => {
    await expect(
      server.db.transaction().execute(async (trx) => {
        await enqueueEmail(trx, { to: 'eve@example.com', subject: 'Rolled back', text: 'x', idempotencyKey: 'delivery-rollback' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    // A committed email enqueued afterwards: once it is delivered and the queue is empty, the
    // rolled-back one had every chance to be sent.
    await enqueueEmail(server.db, { to: 'bob@example.com', subject: 'After the rollback', text: 'x' });
    await server.sink.waitForMessage((message) => message.subject === 'After the rollback');
    await waitForQueueToDrain(server.db);
    expect(server.sink.messages.filter((message) => message.subject === 'Rolled back')).toEqual([]);
  });

  it('sends an idempotency key only once even when it is enqueued again after sending', async () => {
    const email = { to: 'ada@example.com', subject: 'Once only', text: 'x', idempotencyKey: 'delivery-once' };
    await enqueueEmail(server.db, email);
    await server.sink.waitForMessage((message) => message.subject === 'Once only');
    await waitForQueueToDrain(server.db);
    await enqueueEmail(server.db, email);
    await waitForQueueToDrain(server.db);
    expect(server.sink.messages.filter((message) => message.subject === 'Once only')).toHaveLength(1);
    const recorded = await server.db.selectFrom('sentEmails').selectAll().where('idempotencyKey', '=', 'delivery-once').execute();
    expect(recorded).toMatchObject([{ recipient: 'ada@example.com', transport: 'smtp' }]);
  });
});
