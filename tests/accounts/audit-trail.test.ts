import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sha256Hex } from '../../src/features/auth/session-tokens.ts';
import { registerAccount, signIn } from '../helpers/accounts.ts';
import { createApiClient, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { currentTotpStep, failure, totpCodeAtStep } from './accounts-kit.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ CORS_ORIGINS: 'https://app.example' });
});
afterAll(() => server.close());

async function actionsAbout(userId: string): Promise<string[]> {
  const rows = await server.db
    .selectFrom('auditLog')
    .select('action')
    .where((eb) => eb.or([eb('actorId', '=', userId), eb('targetId', '=', userId)]))
    .orderBy('id')
    .execute();
  return rows.map((row) => row.action);
}

describe('audit trail of account events', () => {
  it('records register, login success and failure, session revoke, password change, 2FA on and off, token create and revoke, logout', async () => {
    const alice = await registerAccount(server, { username: 'audited_alice' });
    await failure(server.api.auth.login.mutate({ login: alice.username, password: 'not the password' }));
    const second = await signIn(server, alice.username, alice.password);
    await alice.api.auth.sessions.revoke.mutate({ id: sha256Hex(second.token) });
    await alice.api.auth.password.change.mutate({ currentPassword: alice.password, newPassword: 'the audited passphrase' });
    const { secret } = await alice.api.auth.twoFactor.setup.mutate();
    const step = currentTotpStep();
    await alice.api.auth.twoFactor.enable.mutate({ code: totpCodeAtStep(secret, step) });
    await alice.api.auth.twoFactor.disable.mutate({ code: totpCodeAtStep(secret, step + 1) });
    const { id } = await alice.api.auth.tokens.create.mutate({ name: 'ci', scopes: ['read'] });
    await alice.api.auth.tokens.revoke.mutate({ id });
    await alice.api.auth.logout.mutate();

    expect(await actionsAbout(alice.id)).toEqual([
      'auth.register',
      'auth.login.failed',
      'auth.login.succeeded',
      'auth.session.revoked',
      'auth.password.changed',
      'auth.two_factor.enabled',
      'auth.two_factor.disabled',
      'auth.token.created',
      'auth.token.revoked',
      'auth.logout',
    ]);
  });

  it('records the IP, user agent and request id of each event, never a secret', async () => {
    const bob = await registerAccount(server);
    const client = createApiClient(server.baseUrl, { 'user-agent': 'AuditProbe/2.0' });
    await failure(client.auth.login.mutate({ login: bob.username, password: 'a guessed password' }));
    const row = await server.db.selectFrom('auditLog').selectAll().where('action', '=', 'auth.login.failed').where('targetId', '=', bob.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ ip: '127.0.0.1', userAgent: 'AuditProbe/2.0', requestId: expect.any(String), targetType: 'user', metadata: { reason: 'wrong_password' } });
    expect(JSON.stringify(row)).not.toContain('a guessed password');
  });

  it('refuses cookie-authenticated account changes from a foreign origin (CSRF)', async () => {
    const response = await fetch(`${server.baseUrl}/trpc/auth.register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://app.example' },
      body: JSON.stringify({ json: { email: 'csrf@example.com', username: 'csrf_target', password: 'csrf target passphrase' } }),
    });
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const evil = createApiClient(server.baseUrl, { cookie, origin: 'https://evil.example' });
    expect(await failure(evil.auth.tokens.create.mutate({ name: 'stolen', scopes: ['read', 'write'] }))).toMatchObject({ reason: 'CSRF_REJECTED', httpStatus: 403 });
    expect(await failure(evil.auth.password.change.mutate({ currentPassword: 'csrf target passphrase', newPassword: 'attacker passphrase 1' }))).toMatchObject({ reason: 'CSRF_REJECTED' });
  });
});
