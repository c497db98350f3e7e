/**
 * The database never holds a usable credential: after every account flow, a dump of every
 * table (our schema and the job queue's) contains none of the raw tokens and codes handed out.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount, signIn } from '../helpers/accounts.ts';
import { waitForQueueToDrain } from '../helpers/job-queue.ts';
import { startMailingTestServer, type MailingTestServer } from '../helpers/test-server.ts';
import { currentTotpStep, totpCodeAtStep } from './accounts-kit.ts';

/** Every raw secret the flows handed out, for the log check. */
const handedOut: string[] = [];
let server: MailingTestServer;
beforeAll(async () => {
  server = await startMailingTestServer();
});
afterAll(() => server.close());

async function emailText(to: string, subject: RegExp, after: number): Promise<string> {
  const email = await server.sink.waitForMessage((message) => server.sink.messages.indexOf(message) >= after && message.to.includes(to) && subject.test(message.subject ?? ''));
  return email.text ?? '';
}

/** Every row of every table outside PostgreSQL's own schemas, as JSON text. */
async function dumpDatabase(): Promise<string> {
  const { rows: tables } = await sql<{ schema: string; name: string }>`
    SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`.execute(server.db);
  const chunks: string[] = [];
  for (const table of tables) {
    const { rows } = await sql<{ row: string }>`SELECT row_to_json(t)::text AS row FROM ${sql.table(`${table.schema}.${table.name}`)} t`.execute(server.db);
    chunks.push(`-- ${table.schema}.${table.name}`, ...rows.map((row) => row.row));
  }
  return chunks.join('\n');
}

describe('secrets at rest', () => {
  it('leaves no raw session, reset, verification, challenge, recovery or access token in any table', async () => {
    const secrets: Record<string, string> = {};
    const alice = await registerAccount(server);
    secrets.registrationSession = alice.token;
    secrets.loginSession = (await signIn(server, alice.username, alice.password)).token;
    secrets.accessToken = (await alice.api.auth.tokens.create.mutate({ name: 'ci', scopes: ['read', 'write'] })).token;

    let mark = server.sink.messages.length;
    await alice.api.auth.email.requestVerification.mutate();
    secrets.verificationCode = /\b([A-HJ-NP-Z2-9]{8})\b/.exec(await emailText(alice.email, /verification code/i, mark))?.[1] ?? 'missing-code';
    await alice.api.auth.email.verify.mutate({ code: secrets.verificationCode });

    mark = server.sink.messages.length;
    await server.api.auth.password.requestReset.mutate({ email: alice.email });
    secrets.usedResetToken = /token=([A-Za-z0-9_-]+)/.exec(await emailText(alice.email, /reset/i, mark))?.[1] ?? 'missing-token';
    await server.api.auth.password.reset.mutate({ token: secrets.usedResetToken, newPassword: 'secrets at rest passphrase' });
    mark = server.sink.messages.length;
    await server.api.auth.password.requestReset.mutate({ email: alice.email });
    secrets.pendingResetToken = /token=([A-Za-z0-9_-]+)/.exec(await emailText(alice.email, /reset/i, mark))?.[1] ?? 'missing-token';

    const bob = await registerAccount(server);
    secrets.bobSession = bob.token;
    mark = server.sink.messages.length;
    await bob.api.auth.email.requestVerification.mutate();
    secrets.pendingVerificationCode = /\b([A-HJ-NP-Z2-9]{8})\b/.exec(await emailText(bob.email, /verification code/i, mark))?.[1] ?? 'missing-code';
    const { secret } = await bob.api.auth.twoFactor.setup.mutate();
    const step = currentTotpStep();
    const { recoveryCodes } = await bob.api.auth.twoFactor.enable.mutate({ code: totpCodeAtStep(secret, step) });
    recoveryCodes.forEach((code, index) => (secrets[`recoveryCode${index}`] = code));
    const challenged = await server.api.auth.login.mutate({ login: bob.username, password: bob.password });
    if (!challenged.twoFactorRequired) throw new Error('expected a 2FA challenge');
    secrets.usedChallenge = challenged.challenge;
    secrets.twoFactorSession = (await server.api.auth.twoFactor.verifyLogin.mutate({ challenge: challenged.challenge, code: totpCodeAtStep(secret, step + 1) })).token;
    const pending = await server.api.auth.login.mutate({ login: bob.username, password: bob.password });
    if (!pending.twoFactorRequired) throw new Error('expected a 2FA challenge');
    secrets.pendingChallenge = pending.challenge;

    await waitForQueueToDrain(server.db);
    handedOut.push(...Object.values(secrets));
    const dump = await dumpDatabase();
    expect(dump).toContain('-- public.sessions');
    expect(dump).toContain('-- graphile_worker._private_jobs');
    const found = Object.entries(secrets).filter(([, value]) => dump.includes(value));
    expect(found.map(([name]) => name)).toEqual([]);
  });

  it('writes none of them to the server log either', () => {
    // Runs after the flows above (same server): every request and email job has been logged.
    expect(server.logs.length).toBeGreaterThan(0);
    const leaking = server.logs.filter((line) => handedOut.some((value) => JSON.stringify(line).includes(value)));
    expect(leaking).toEqual([]);
  });
});
