import { randomBytes } from 'node:crypto';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { pruneExpiredRows, pruneExpiredRowsTaskName } from '../../src/jobs/prune-expired-rows.task.ts';
import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { waitForQueueToDrain, waitUntil } from '../helpers/job-queue.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { jobs: true, schedule: true });
});
afterAll(() => server.close());

const hex = () => randomBytes(32).toString('hex');
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000);

/** One expired and one live row in every pruned table, for `expired` and `live` (two accounts: a verification code is one per user). */
async function insertExpiredAndLiveRows(expired: TestAccount, live: TestAccount) {
  for (const [account, isExpired] of [[expired, true], [live, false]] as const) {
    const expiresAt = isExpired ? hoursAgo(1) : inHours(1);
    await server.db.insertInto('sessions').values({ id: hex(), userId: account.id, expiresAt }).execute();
    await server.db.insertInto('passwordResetTokens').values({ userId: account.id, tokenHash: hex(), expiresAt, createdAt: hoursAgo(2) }).execute();
    await server.db.insertInto('loginChallenges').values({ id: hex(), userId: account.id, expiresAt }).execute();
    await server.db.insertInto('emailVerificationCodes').values({ userId: account.id, email: account.email, codeHash: hex(), failedAttempts: 0, expiresAt }).execute();
    await server.db
      .insertInto('idempotencyKeys')
      // IDEMPOTENCY_KEY_TTL_HOURS is 24 by default.
      .values({ userId: account.id, key: `prune-${hex().slice(0, 16)}`, procedure: 'articles.create', requestHash: hex(), createdAt: isExpired ? hoursAgo(25) : hoursAgo(23) })
      .execute();
  }
}

/** How many rows of `account` each pruned table holds. */
async function rowsOf(account: TestAccount) {
  const count = async (table: 'sessions' | 'passwordResetTokens' | 'loginChallenges' | 'emailVerificationCodes' | 'idempotencyKeys') =>
    (await server.db.selectFrom(table).select('userId').where('userId', '=', account.id).execute()).length;
  return {
    sessions: await count('sessions'),
    passwordResetTokens: await count('passwordResetTokens'),
    loginChallenges: await count('loginChallenges'),
    emailVerificationCodes: await count('emailVerificationCodes'),
    idempotencyKeys: await count('idempotencyKeys'),
  };
}

describe('pruning expired rows', () => {
  it('deletes expired sessions, reset tokens, login challenges, verification codes and idempotency keys, and keeps live ones', async () => {
    const [expired, live] = await Promise.all([registerAccount(server), registerAccount(server)]);
    await insertExpiredAndLiveRows(expired, live);
    await pruneExpiredRows(server.db, server.config);
    // Each account also keeps the live session it registered with.
    expect(await rowsOf(expired)).toEqual({ sessions: 1, passwordResetTokens: 0, loginChallenges: 0, emailVerificationCodes: 0, idempotencyKeys: 0 });
    expect(await rowsOf(live)).toEqual({ sessions: 2, passwordResetTokens: 1, loginChallenges: 1, emailVerificationCodes: 1, idempotencyKeys: 1 });
  });

  it('deletes in bounded batches and leaves the rest for the next run', async () => {
    const account = await registerAccount(server);
    await server.db
      .insertInto('sessions')
      .values(Array.from({ length: 5 }, () => ({ id: hex(), userId: account.id, expiresAt: hoursAgo(1) })))
      .execute();
    const first = await pruneExpiredRows(server.db, server.config, { batchSize: 2, maxBatches: 2 });
    expect(first.sessions).toBe(4);
    const second = await pruneExpiredRows(server.db, server.config, { batchSize: 2, maxBatches: 2 });
    expect(second.sessions).toBe(1);
    expect((await rowsOf(account)).sessions).toBe(1);
  });

  it('runs as a job in the worker, which schedules it hourly', async () => {
    const [expired, live] = await Promise.all([registerAccount(server), registerAccount(server)]);
    await insertExpiredAndLiveRows(expired, live);
    await sql`SELECT graphile_worker.add_job(${pruneExpiredRowsTaskName})`.execute(server.db);
    await waitForQueueToDrain(server.db);
    expect(await rowsOf(expired)).toMatchObject({ passwordResetTokens: 0, emailVerificationCodes: 0, idempotencyKeys: 0 });
    expect(await rowsOf(live)).toMatchObject({ passwordResetTokens: 1, emailVerificationCodes: 1, idempotencyKeys: 1 });
    // graphile-worker records each cron item it schedules.
    const knownCrontabs = async () => (await sql<{ identifier: string }>`SELECT identifier FROM graphile_worker._private_known_crontabs`.execute(server.db)).rows;
    await waitUntil(async () => ((await knownCrontabs()).some((row) => row.identifier === pruneExpiredRowsTaskName) ? true : undefined), 10_000, 'the cron item');
  });
});
