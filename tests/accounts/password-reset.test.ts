import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount, signIn, type TestAccount } from '../helpers/accounts.ts';
import { waitForQueueToDrain } from '../helpers/job-queue.ts';
import { createApiClient, startMailingTestServer, type MailingTestServer } from '../helpers/test-server.ts';
import { failure } from './accounts-kit.ts';

let server: MailingTestServer;
beforeAll(async () => {
  server = await startMailingTestServer({ APP_URL: 'https://app.example' });
});
afterAll(() => server.close());

/** Asks for a reset link and reads the token from the email, as the user would. */
async function resetTokenFor(account: TestAccount): Promise<string> {
  const before = server.sink.messages.length;
  await server.api.auth.password.requestReset.mutate({ email: account.email });
  const email = await server.sink.waitForMessage((message) => server.sink.messages.indexOf(message) >= before && message.to.includes(account.email.toLowerCase()) && /reset/i.test(message.subject ?? ''));
  const token = /https:\/\/app\.example\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(email.text ?? '')?.[1];
  if (!token) throw new Error(`no reset link in: ${email.text ?? ''}`);
  return token;
}

describe('auth.password.requestReset', () => {
  it('gives the same answer for an unknown address and sends it no email', async () => {
    const alice = await registerAccount(server);
    const known = await server.api.auth.password.requestReset.mutate({ email: alice.email });
    const unknown = await server.api.auth.password.requestReset.mutate({ email: 'nobody-at-all@example.com' });
    expect(unknown).toEqual(known);
    await server.sink.waitForMessage((message) => message.to.includes(alice.email.toLowerCase()));
    await waitForQueueToDrain(server.db);
    expect(server.sink.messages.filter((message) => message.to.includes('nobody-at-all@example.com'))).toEqual([]);
  });

  it('stores only the hash of the emailed token', async () => {
    const bob = await registerAccount(server);
    const token = await resetTokenFor(bob);
    const rows = await server.db.selectFrom('passwordResetTokens').selectAll().where('userId', '=', bob.id).execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
  });
});

describe('auth.password.reset', () => {
  it('sets the new password, ends every session and emails a notice', async () => {
    const carol = await registerAccount(server);
    const other = await signIn(server, carol.username, carol.password);
    const token = await resetTokenFor(carol);
    await server.api.auth.password.reset.mutate({ token, newPassword: 'a reset passphrase' });
    for (const sessionToken of [carol.token, other.token]) {
      const api = createApiClient(server.baseUrl, { authorization: `Bearer ${sessionToken}` });
      expect(await failure(api.auth.me.query())).toMatchObject({ reason: 'UNAUTHENTICATED' });
    }
    await expect(signIn(server, carol.username, 'a reset passphrase')).resolves.toMatchObject({ user: { id: carol.id } });
    const notice = await server.sink.waitForMessage((message) => message.to.includes(carol.email.toLowerCase()) && message.subject === 'Your Conduit password was changed');
    expect(notice.text).toContain('reset');
  });

  it('revokes every personal access token, so one minted with a stolen session dies with the reset', async () => {
    const kim = await registerAccount(server);
    const { token: accessToken } = await kim.api.auth.tokens.create.mutate({ name: 'minted by an intruder', scopes: ['read', 'write'] });
    const withToken = createApiClient(server.baseUrl, { authorization: `Bearer ${accessToken}` });
    await expect(withToken.auth.me.query()).resolves.toMatchObject({ id: kim.id });
    await server.api.auth.password.reset.mutate({ token: await resetTokenFor(kim), newPassword: 'taken back passphrase' });
    expect(await failure(withToken.auth.me.query())).toMatchObject({ reason: 'UNAUTHENTICATED', httpStatus: 401 });
    const audit = await server.db.selectFrom('auditLog').select('metadata').where('targetId', '=', kim.id).where('action', '=', 'auth.password.reset').executeTakeFirstOrThrow();
    expect(audit.metadata).toMatchObject({ revokedSessions: 1, revokedAccessTokens: 1 });
    const notice = await server.sink.waitForMessage((message) => message.to.includes(kim.email.toLowerCase()) && message.subject === 'Your Conduit password was changed');
    expect(notice.text).toContain('personal access token revoked');
  });

  it('accepts a token only once', async () => {
    const dave = await registerAccount(server);
    const token = await resetTokenFor(dave);
    await server.api.auth.password.reset.mutate({ token, newPassword: 'first reset passphrase' });
    expect(await failure(server.api.auth.password.reset.mutate({ token, newPassword: 'second reset passphrase' }))).toMatchObject({ reason: 'INVALID_TOKEN', httpStatus: 400 });
    await expect(signIn(server, dave.username, 'first reset passphrase')).resolves.toMatchObject({ user: { id: dave.id } });
  });

  it('refuses a token older than 30 minutes', async () => {
    const erin = await registerAccount(server);
    const token = await resetTokenFor(erin);
    await server.db
      .updateTable('passwordResetTokens')
      .set({ createdAt: new Date(Date.now() - 31 * 60_000), expiresAt: new Date(Date.now() - 60_000) })
      .where('userId', '=', erin.id)
      .execute();
    expect(await failure(server.api.auth.password.reset.mutate({ token, newPassword: 'too late passphrase' }))).toMatchObject({ reason: 'INVALID_TOKEN', details: { expired: true } });
    await expect(signIn(server, erin.username, erin.password)).resolves.toMatchObject({ user: { id: erin.id } });
  });

  it('spends the other outstanding links of the account too', async () => {
    const frank = await registerAccount(server);
    const first = await resetTokenFor(frank);
    const second = await resetTokenFor(frank);
    await server.api.auth.password.reset.mutate({ token: second, newPassword: 'latest link passphrase' });
    expect(await failure(server.api.auth.password.reset.mutate({ token: first, newPassword: 'older link passphrase' }))).toMatchObject({ reason: 'INVALID_TOKEN' });
  });

  it('applies the password policy and keeps the token usable after a refusal', async () => {
    const gina = await registerAccount(server);
    const token = await resetTokenFor(gina);
    expect(await failure(server.api.auth.password.reset.mutate({ token, newPassword: gina.username }))).toMatchObject({ reason: 'WEAK_PASSWORD', details: { rule: 'not_username' } });
    await expect(server.api.auth.password.reset.mutate({ token, newPassword: 'an acceptable passphrase' })).resolves.toBeUndefined();
  });

  it('writes audit rows for the request and the reset', async () => {
    const hugo = await registerAccount(server);
    await server.api.auth.password.reset.mutate({ token: await resetTokenFor(hugo), newPassword: 'audited reset passphrase' });
    const rows = await server.db.selectFrom('auditLog').select('action').where('targetId', '=', hugo.id).where('action', 'like', 'auth.password.%').orderBy('id').execute();
    expect(rows.map((row) => row.action)).toEqual(['auth.password.reset_requested', 'auth.password.reset']);
  });
});

describe('auth.password.change notice', () => {
  it('emails the account when its password is changed', async () => {
    const ines = await registerAccount(server);
    await ines.api.auth.password.change.mutate({ currentPassword: ines.password, newPassword: 'a changed passphrase' });
    const notice = await server.sink.waitForMessage((message) => message.to.includes(ines.email.toLowerCase()) && message.subject === 'Your Conduit password was changed');
    expect(notice.text).toContain('changed');
  });

  it('keeps personal access tokens: the caller proved the old password (docs/accounts-and-security.md)', async () => {
    const lea = await registerAccount(server);
    const { token: accessToken } = await lea.api.auth.tokens.create.mutate({ name: 'ci', scopes: ['read'] });
    await lea.api.auth.password.change.mutate({ currentPassword: lea.password, newPassword: 'another changed passphrase' });
    const withToken = createApiClient(server.baseUrl, { authorization: `Bearer ${accessToken}` });
    await expect(withToken.auth.me.query()).resolves.toMatchObject({ id: lea.id });
  });
});
