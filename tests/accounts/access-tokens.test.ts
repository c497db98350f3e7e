import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sha256Hex } from '../../src/features/auth/session-tokens.ts';
import { registerAccount } from '../helpers/accounts.ts';
import { createApiClient, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { failure } from './accounts-kit.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function bearer(token: string) {
  return createApiClient(server.baseUrl, { authorization: `Bearer ${token}` });
}

describe('auth.tokens (personal access tokens)', () => {
  it('returns a cdt_ token once, stores only its SHA-256, and lists it without the secret', async () => {
    const alice = await registerAccount(server);
    const created = await alice.api.auth.tokens.create.mutate({ name: 'ci', scopes: ['read'] });
    expect(created.token).toMatch(/^cdt_[A-Za-z0-9_-]{43}$/);
    const row = await server.db.selectFrom('personalAccessTokens').select('tokenHash').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.tokenHash).toBe(sha256Hex(created.token));
    const listed = await alice.api.auth.tokens.list.query();
    expect(listed).toEqual([{ id: created.id, name: 'ci', scopes: ['read'], createdAt: expect.any(Date), expiresAt: null, lastUsedAt: null }]);
    expect(JSON.stringify(listed)).not.toContain(created.token);
  });

  it('authenticates bearer requests and records when the token was last used', async () => {
    const bob = await registerAccount(server);
    const { id, token } = await bob.api.auth.tokens.create.mutate({ name: 'script', scopes: ['read', 'write'] });
    await expect(bearer(token).auth.me.query()).resolves.toMatchObject({ id: bob.id });
    const [listed] = await bob.api.auth.tokens.list.query();
    expect(listed).toMatchObject({ id, lastUsedAt: expect.any(Date) });
  });

  it('refuses mutations with a read-only token', async () => {
    const carol = await registerAccount(server);
    const { token } = await carol.api.auth.tokens.create.mutate({ name: 'reader', scopes: ['read'] });
    expect(await failure(bearer(token).auth.email.requestVerification.mutate())).toMatchObject({ reason: 'INSUFFICIENT_SCOPE', httpStatus: 403 });
  });

  it('refuses queries with a write-only token', async () => {
    const dave = await registerAccount(server);
    const { token } = await dave.api.auth.tokens.create.mutate({ name: 'writer', scopes: ['write'] });
    expect(await failure(bearer(token).auth.me.query())).toMatchObject({ reason: 'INSUFFICIENT_SCOPE' });
  });

  it('rejects a revoked token immediately', async () => {
    const erin = await registerAccount(server);
    const { id, token } = await erin.api.auth.tokens.create.mutate({ name: 'temp', scopes: ['read'] });
    await erin.api.auth.tokens.revoke.mutate({ id });
    expect(await failure(bearer(token).auth.me.query())).toMatchObject({ reason: 'UNAUTHENTICATED', httpStatus: 401 });
  });

  it('rejects an expired token', async () => {
    const frank = await registerAccount(server);
    const { id, token, expiresAt } = await frank.api.auth.tokens.create.mutate({ name: 'short', scopes: ['read'], expiresInDays: 1 });
    expect(expiresAt?.getTime()).toBeGreaterThan(Date.now());
    await server.db.updateTable('personalAccessTokens').set({ expiresAt: new Date(Date.now() - 1_000) }).where('id', '=', id).execute();
    expect(await failure(bearer(token).auth.me.query())).toMatchObject({ reason: 'UNAUTHENTICATED' });
  });

  it('cannot manage credentials: creating a token needs a session', async () => {
    const gina = await registerAccount(server);
    const { token } = await gina.api.auth.tokens.create.mutate({ name: 'full', scopes: ['read', 'write'] });
    expect(await failure(bearer(token).auth.tokens.create.mutate({ name: 'escalate', scopes: ['write'] }))).toMatchObject({ reason: 'SESSION_REQUIRED', httpStatus: 403 });
    expect(await failure(bearer(token).auth.password.change.mutate({ currentPassword: gina.password, newPassword: 'another long passphrase' }))).toMatchObject({ reason: 'SESSION_REQUIRED' });
  });

  it("refuses to revoke another user's token", async () => {
    const hugo = await registerAccount(server);
    const ines = await registerAccount(server);
    const { id, token } = await ines.api.auth.tokens.create.mutate({ name: 'mine', scopes: ['read'] });
    expect(await failure(hugo.api.auth.tokens.revoke.mutate({ id }))).toMatchObject({ reason: 'NOT_FOUND' });
    await expect(bearer(token).auth.me.query()).resolves.toMatchObject({ id: ines.id });
  });
});

describe('suspended accounts', () => {
  it('reject their sessions and tokens with ACCOUNT_SUSPENDED and refuse their login', async () => {
    const judy = await registerAccount(server);
    const { token } = await judy.api.auth.tokens.create.mutate({ name: 'cli', scopes: ['read'] });
    await server.db.updateTable('users').set({ suspendedAt: new Date(), suspensionReason: 'spam' }).where('id', '=', judy.id).execute();
    expect(await failure(judy.api.auth.me.query())).toMatchObject({ reason: 'ACCOUNT_SUSPENDED', httpStatus: 403 });
    expect(await failure(bearer(token).auth.me.query())).toMatchObject({ reason: 'ACCOUNT_SUSPENDED' });
    expect(await failure(server.api.auth.login.mutate({ login: judy.username, password: judy.password }))).toMatchObject({ reason: 'ACCOUNT_SUSPENDED' });
  });
});
