/**
 * API2:2023 Broken Authentication and ASVS V3 session management, over HTTP: token entropy,
 * new tokens at login and privilege change, immediate logout/revocation, expiry, no tokens in
 * URLs or logs, cookie flags.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signIn, registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { createApiClient, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { rawMutation, refusal } from './security-helpers.ts';

let server: TestServer;
let admin: TestAccount;

beforeAll(async () => {
  server = await startTestServer();
  admin = await registerAccount(server);
  await server.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.id).execute();
});
afterAll(() => server.close());

describe('API2:2023 Broken Authentication (ASVS V3)', () => {
  it('ASVS 3.2.2 — session tokens carry at least 128 bits of entropy (distinct, ≥ 22 base64url characters)', async () => {
    const account = await registerAccount(server);
    const tokens = [account.token];
    for (let i = 0; i < 5; i += 1) tokens.push((await signIn(server, account.username, account.password)).token);
    for (const token of tokens) expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('ASVS 3.2.1 — login issues a new token (no session fixation)', async () => {
    const account = await registerAccount(server);
    const { token } = await signIn(server, account.username, account.password);
    expect(token).not.toBe(account.token);
  });

  it('ASVS 3.2.1 — a privilege change ends the old sessions: the user signs in again and gets a new token', async () => {
    const promoted = await registerAccount(server);
    await admin.api.admin.users.setRole.mutate({ username: promoted.username, role: 'moderator' });
    expect(await refusal(promoted.api.auth.me.query())).toMatchObject({ httpStatus: 401 });
    const { token, user } = await signIn(server, promoted.username, promoted.password);
    expect(token).not.toBe(promoted.token);
    expect(user.role).toBe('moderator');
  });

  it('ASVS 3.3.1 — logout is immediate', async () => {
    const account = await registerAccount(server);
    await account.api.auth.logout.mutate();
    expect(await refusal(account.api.auth.me.query())).toMatchObject({ httpStatus: 401 });
  });

  it('ASVS 3.3.1 — a revoked session and a revoked access token fail on the next request', async () => {
    const account = await registerAccount(server);
    const second = await signIn(server, account.username, account.password);
    const sessions = await account.api.auth.sessions.list.query();
    const other = sessions.find((session) => !session.isCurrent)!;
    await account.api.auth.sessions.revoke.mutate({ id: other.id });
    expect(await refusal(createApiClient(server.baseUrl, { authorization: `Bearer ${second.token}` }).auth.me.query())).toMatchObject({ httpStatus: 401 });
    const pat = await account.api.auth.tokens.create.mutate({ name: 'cli', scopes: ['read'] });
    await account.api.auth.tokens.revoke.mutate({ id: pat.id });
    expect(await refusal(createApiClient(server.baseUrl, { authorization: `Bearer ${pat.token}` }).auth.me.query())).toMatchObject({ httpStatus: 401 });
  });

  it('ASVS 3.3.1 — an expired session fails', async () => {
    const account = await registerAccount(server);
    await server.db.updateTable('sessions').set({ expiresAt: new Date(Date.now() - 1000) }).where('userId', '=', account.id).execute();
    expect(await refusal(account.api.auth.me.query())).toMatchObject({ httpStatus: 401 });
  });

  it('ASVS 2.5.1 — an expired password reset token fails', async () => {
    const account = await registerAccount(server);
    // A reset token is only ever emailed; plant one whose hash we know, already expired.
    const { sha256Hex } = await import('../../src/features/auth/session-tokens.ts');
    const token = 'expired-reset-token-0123456789abcdef';
    await server.db.insertInto('passwordResetTokens').values({ userId: account.id, tokenHash: sha256Hex(token), createdAt: new Date(Date.now() - 3_600_000), expiresAt: new Date(Date.now() - 1000) }).execute();
    expect(await refusal(server.api.auth.password.reset.mutate({ token, newPassword: 'another long password' }))).toMatchObject({ httpStatus: expect.any(Number) });
    await expect(signIn(server, account.username, account.password)).resolves.toMatchObject({ user: { id: account.id } });
  });

  it('ASVS 2.7.2 — an expired email verification code fails', async () => {
    const account = await registerAccount(server);
    await account.api.auth.email.requestVerification.mutate();
    await server.db.updateTable('emailVerificationCodes').set({ expiresAt: new Date(Date.now() - 1000) }).where('userId', '=', account.id).execute();
    // Whatever the code was, it is expired now: even a correct one fails, so any guess does.
    expect(await refusal(account.api.auth.email.verify.mutate({ code: '123456' }))).toMatchObject({ httpStatus: expect.any(Number) });
    expect(await account.api.auth.me.query()).toMatchObject({ emailVerified: false });
  });

  it('ASVS 3.1.1 / 7.1.1 — tokens never appear in URLs or log lines', async () => {
    const account = await registerAccount(server);
    await account.api.auth.me.query();
    await account.api.articles.list.query({});
    await createApiClient(server.baseUrl, { authorization: `Bearer ${account.token}x` }).auth.me.query().catch(() => undefined);
    const logText = JSON.stringify(server.logs);
    expect(logText).not.toContain(account.token);
    expect(logText).not.toContain(account.password);
    const urls = server.logs.map((line) => JSON.stringify((line as { req?: { url?: string } }).req?.url ?? ''));
    for (const url of urls) expect(url).not.toContain(account.token);
  });

  it('ASVS 3.4.1-3.4.3 — the session cookie is HttpOnly and SameSite=Lax (Secure in production, below)', async () => {
    const response = await rawMutation(server.baseUrl, 'auth.register', { email: 'cookie@example.com', username: 'cookie_user', password: 'a long enough password' });
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/conduit_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });
});

describe('API2:2023 cookie flags in production (ASVS 3.4.1)', () => {
  let production: TestServer;
  beforeAll(async () => {
    production = await startTestServer({ NODE_ENV: 'production' });
  });
  afterAll(() => production.close());

  it('ASVS 3.4.1 — the session cookie is Secure in production', async () => {
    const response = await rawMutation(production.baseUrl, 'auth.register', { email: 'secure@example.com', username: 'secure_user', password: 'a long enough password' });
    expect(response.headers.get('set-cookie') ?? '').toMatch(/;\s*Secure/i);
  });
});
