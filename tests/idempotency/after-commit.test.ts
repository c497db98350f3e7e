import { randomUUID } from 'node:crypto';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runIdempotently } from '../../src/features/idempotency/idempotency.ts';
import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
let alice: TestAccount;

beforeAll(async () => {
  server = await startTestServer();
  alice = await registerAccount(server);
});
afterAll(() => server.close());

/** Whether another connection (another request, a subscriber) can see the audit row yet. */
async function isVisibleElsewhere(action: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: server.database.url });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM audit_log WHERE action = $1', [action])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('runIdempotently side effects', () => {
  it('runs afterCommit effects once the claiming transaction has committed', async () => {
    const action = `test.after_commit.${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const ctx = { db: server.db, config: server.config, request: { headers: {} }, user: { id: alice.id } };
    let visibleToEffect: boolean | undefined;
    await runIdempotently(ctx, 'test.afterCommit', { idempotencyKey: randomUUID() }, async (db, afterCommit) => {
      // Feature code that opens "its own" transaction joins the claim and announces afterwards.
      await db.transaction().execute((trx) => trx.insertInto('auditLog').values({ action }).execute());
      await afterCommit(async () => {
        visibleToEffect = await isVisibleElsewhere(action);
      });
      return { done: true };
    });
    expect(visibleToEffect).toBe(true);
  });
});
