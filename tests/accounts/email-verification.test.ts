import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { eventually } from '../helpers/polling.ts';
import { startMailingTestServer, type MailingTestServer } from '../helpers/test-server.ts';
import { failure } from './accounts-kit.ts';

let server: MailingTestServer;
beforeAll(async () => {
  server = await startMailingTestServer();
});
afterAll(() => server.close());

/** Requests a code and reads it from the email. */
async function emailedCode(account: TestAccount): Promise<string> {
  await account.api.auth.email.requestVerification.mutate();
  const email = await server.sink.waitForMessage((message) => message.to.includes(account.email.toLowerCase()) && /verification code/i.test(message.subject ?? ''));
  const code = /\b([A-HJ-NP-Z2-9]{8})\b/.exec(email.text ?? '')?.[1];
  if (!code) throw new Error(`no code in: ${email.text ?? ''}`);
  return code;
}

describe('auth.email', () => {
  it('verifies the address with the emailed code and exposes emailVerified on the user', async () => {
    const alice = await registerAccount(server);
    await expect(alice.api.auth.me.query()).resolves.toMatchObject({ emailVerified: false });
    const code = await emailedCode(alice);
    await expect(alice.api.auth.email.verify.mutate({ code })).resolves.toEqual({ emailVerified: true });
    await expect(alice.api.auth.me.query()).resolves.toMatchObject({ emailVerified: true });
    expect(await failure(alice.api.auth.email.requestVerification.mutate())).toMatchObject({ reason: 'EMAIL_ALREADY_VERIFIED' });
  });

  it('stores the code hashed', async () => {
    const bob = await registerAccount(server);
    const code = await emailedCode(bob);
    const rows = await server.db.selectFrom('emailVerificationCodes').selectAll().where('userId', '=', bob.id).execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(code);
  });

  it('refuses a wrong code', async () => {
    const carol = await registerAccount(server);
    await emailedCode(carol);
    expect(await failure(carol.api.auth.email.verify.mutate({ code: 'WRONG234' }))).toMatchObject({ reason: 'INVALID_CODE', httpStatus: 400 });
  });

  it('locks the code after five wrong guesses, even for the right one', async () => {
    const dave = await registerAccount(server);
    const code = await emailedCode(dave);
    const reasons = [];
    for (let attempt = 0; attempt < 5; attempt++) reasons.push((await failure(dave.api.auth.email.verify.mutate({ code: 'WRONG234' })))?.reason);
    expect(reasons).toEqual(['INVALID_CODE', 'INVALID_CODE', 'INVALID_CODE', 'INVALID_CODE', 'TOO_MANY_ATTEMPTS']);
    expect(await failure(dave.api.auth.email.verify.mutate({ code }))).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS', httpStatus: 429 });
  });

  it('refuses an expired code', async () => {
    const erin = await registerAccount(server);
    const code = await emailedCode(erin);
    await server.db.updateTable('emailVerificationCodes').set({ expiresAt: new Date(Date.now() - 1_000) }).where('userId', '=', erin.id).execute();
    expect(await failure(erin.api.auth.email.verify.mutate({ code }))).toMatchObject({ reason: 'CODE_EXPIRED' });
  });

  it('sends at most one code a minute', async () => {
    const frank = await registerAccount(server);
    await frank.api.auth.email.requestVerification.mutate();
    expect(await failure(frank.api.auth.email.requestVerification.mutate())).toMatchObject({ reason: 'RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } });
  });

  it('forgets a pending code when the email changes, so it cannot verify the new address', async () => {
    const gina = await registerAccount(server);
    const code = await emailedCode(gina);
    await gina.api.users.update.mutate({ email: `new_${gina.email}` });
    await expect(server.db.selectFrom('emailVerificationCodes').select('userId').where('userId', '=', gina.id).execute()).resolves.toEqual([]);
    expect(await failure(gina.api.auth.email.verify.mutate({ code }))).toMatchObject({ reason: 'INVALID_CODE', httpStatus: 400 });
    await expect(gina.api.auth.me.query()).resolves.toMatchObject({ email: `new_${gina.email}`, emailVerified: false });
  });

  it('never verifies an address the code was not sent to, when the email changes while the code is checked', async () => {
    const hugo = await registerAccount(server);
    const code = await emailedCode(hugo);
    const victim = `victim_${hugo.email}`;
    // Holding the code's row lock parks the verification after its request was authenticated
    // (with the old address), so the email change can land inside its check.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding = () => {};
    const held = new Promise<void>((resolve) => (holding = resolve));
    const holder = server.db.transaction().execute(async (trx) => {
      await trx.selectFrom('emailVerificationCodes').select('userId').where('userId', '=', hugo.id).forUpdate().execute();
      holding();
      await released;
    });
    await held;
    const backendsWaitingOnLocks = async () => {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(server.db);
      return rows[0]?.n ?? 0;
    };
    const verifying = hugo.api.auth.email.verify.mutate({ code });
    await eventually(async () => ((await backendsWaitingOnLocks()) >= 1 ? true : undefined), 10_000, 'the verification to wait');
    let isChanged = false;
    const changing = hugo.api.users.update.mutate({ email: victim }).finally(() => (isChanged = true));
    // The change either commits at once or waits behind the verification.
    await eventually(async () => (isChanged || (await backendsWaitingOnLocks()) >= 2 ? true : undefined), 10_000, 'the email change to commit or wait');
    release();
    await holder;
    await Promise.allSettled([verifying, changing]);
    await expect(hugo.api.auth.me.query()).resolves.toMatchObject({ email: victim, emailVerified: false });
  });
});
