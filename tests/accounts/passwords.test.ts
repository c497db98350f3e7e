import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { passwordHashOptions } from '../../src/features/auth/passwords.ts';
import { registerAccount, signIn } from '../helpers/accounts.ts';
import { createApiClient, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { failure } from './accounts-kit.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('password policy', () => {
  it('refuses passwords shorter than 8 characters, naming the rule', async () => {
    const data = await failure(registerAccount(server, { password: 'short7!' }));
    expect(data).toMatchObject({ reason: 'VALIDATION_ERROR', issues: [{ path: 'password', message: 'Password must be at least 8 characters' }] });
  });

  it('refuses passwords longer than 128 characters', async () => {
    const data = await failure(registerAccount(server, { password: 'x'.repeat(129) }));
    expect(data).toMatchObject({ reason: 'VALIDATION_ERROR', issues: [{ path: 'password', message: 'Password must be at most 128 characters' }] });
  });

  it('refuses the username as password', async () => {
    const data = await failure(registerAccount(server, { username: 'longusername', password: 'LongUsername' }));
    expect(data).toMatchObject({ reason: 'WEAK_PASSWORD', details: { rule: 'not_username' } });
  });

  it('refuses the email address as password', async () => {
    const data = await failure(registerAccount(server, { email: 'someone@example.com', password: 'someone@example.com' }));
    expect(data).toMatchObject({ reason: 'WEAK_PASSWORD', details: { rule: 'not_email' } });
  });

  it('refuses a password from the common-password list', async () => {
    const data = await failure(registerAccount(server, { password: 'password1' }));
    expect(data).toMatchObject({ reason: 'WEAK_PASSWORD', httpStatus: 400, details: { rule: 'not_common' } });
  });

  it('accepts any Unicode and normalises it (NFKC) so equivalent forms sign in', async () => {
    // Fullwidth Latin letters are NFKC-equivalent to their ASCII forms.
    const account = await registerAccount(server, { password: 'ｃｏｒｒｅｃｔ ｈｏｒｓｅ 電池' });
    await expect(signIn(server, account.username, 'correct horse 電池')).resolves.toMatchObject({ user: { id: account.id } });
  });
});

describe('auth.password.change', () => {
  it('changes the password and revokes every other session', async () => {
    const alice = await registerAccount(server);
    const other = await signIn(server, alice.username, alice.password);
    await expect(alice.api.auth.password.change.mutate({ currentPassword: alice.password, newPassword: 'a brand new passphrase' })).resolves.toEqual({ revokedSessions: 1 });
    const otherApi = createApiClient(server.baseUrl, { authorization: `Bearer ${other.token}` });
    expect(await failure(otherApi.auth.me.query())).toMatchObject({ reason: 'UNAUTHENTICATED' });
    await expect(alice.api.auth.me.query()).resolves.toMatchObject({ id: alice.id });
    await expect(signIn(server, alice.username, 'a brand new passphrase')).resolves.toMatchObject({ user: { id: alice.id } });
    expect(await failure(server.api.auth.login.mutate({ login: alice.username, password: alice.password }))).toMatchObject({ reason: 'INVALID_CREDENTIALS' });
  });

  it('refuses a wrong current password', async () => {
    const bob = await registerAccount(server);
    const data = await failure(bob.api.auth.password.change.mutate({ currentPassword: 'not my password', newPassword: 'a brand new passphrase' }));
    expect(data).toMatchObject({ reason: 'INVALID_CREDENTIALS', details: { field: 'currentPassword' } });
  });

  it('applies the policy to the new password', async () => {
    const carol = await registerAccount(server);
    const data = await failure(carol.api.auth.password.change.mutate({ currentPassword: carol.password, newPassword: 'qwertyuiop' }));
    expect(data).toMatchObject({ reason: 'WEAK_PASSWORD', details: { rule: 'not_common' } });
  });

  it('writes an audit row', async () => {
    const dave = await registerAccount(server);
    await dave.api.auth.password.change.mutate({ currentPassword: dave.password, newPassword: 'another fine passphrase' });
    const row = await server.db.selectFrom('auditLog').selectAll().where('action', '=', 'auth.password.changed').where('actorId', '=', dave.id).executeTakeFirst();
    expect(row).toMatchObject({ targetType: 'user', targetId: dave.id, ip: '127.0.0.1', requestId: expect.any(String) });
  });
});

describe('argon2id parameters', () => {
  it('stores hashes with at least OWASP parameters (m=19 MiB, t=2, p=1)', async () => {
    const erin = await registerAccount(server);
    const { passwordHash } = await server.db.selectFrom('users').select('passwordHash').where('id', '=', erin.id).executeTakeFirstOrThrow();
    expect(passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('rehashes on login when the stored parameters are outdated', async () => {
    const frank = await registerAccount(server);
    const weak = await hash(frank.password, { ...passwordHashOptions, memoryCost: 8_192, timeCost: 1 });
    await server.db.updateTable('users').set({ passwordHash: weak }).where('id', '=', frank.id).execute();
    await signIn(server, frank.username, frank.password);
    const { passwordHash } = await server.db.selectFrom('users').select('passwordHash').where('id', '=', frank.id).executeTakeFirstOrThrow();
    expect(passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});
