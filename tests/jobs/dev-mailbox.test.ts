import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { enqueueEmail } from '../../src/jobs/email-outbox.ts';
import type { MailboxMessage } from '../../src/jobs/dev-mailbox.ts';
import { waitUntil } from '../helpers/job-queue.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

async function readMailbox(server: TestServer): Promise<MailboxMessage[]> {
  const response = await fetch(`${server.baseUrl}/dev/mailbox?limit=5`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { messages: MailboxMessage[] }).messages;
}

describe('development mailbox (no SMTP_URL)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { jobs: true });
  });
  afterAll(() => server.close());

  it('keeps each email where GET /dev/mailbox shows it, newest first', async () => {
    await enqueueEmail(server.db, { to: 'ada@example.com', subject: 'First', text: 'one' });
    await waitUntil(async () => ((await readMailbox(server)).length === 1 ? true : undefined));
    await enqueueEmail(server.db, { to: 'ada@example.com', subject: 'Second', text: 'two' });
    const messages = await waitUntil(async () => {
      const current = await readMailbox(server);
      return current.length === 2 ? current : undefined;
    });
    expect(messages.map((message) => message.subject)).toEqual(['Second', 'First']);
    expect(messages[0]).toMatchObject({ to: 'ada@example.com', text: 'two', from: 'Conduit <no-reply@conduit.localhost>' });
  });
});

describe('development mailbox in production', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'production' });
  });
  afterAll(() => server.close());

  it('does not exist', async () => {
    const response = await fetch(`${server.baseUrl}/dev/mailbox`);
    expect(response.status).toBe(404);
  });
});
