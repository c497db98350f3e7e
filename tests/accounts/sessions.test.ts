import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sha256Hex } from '../../src/features/auth/session-tokens.ts';
import { registerAccount, signIn } from '../helpers/accounts.ts';
import { createApiClient, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { failure } from './accounts-kit.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ CORS_ORIGINS: 'https://app.example' });
});
afterAll(() => server.close());

describe('auth.sessions', () => {
  it('lists sessions with user agent, IP, times and which one is current', async () => {
    const alice = await registerAccount(server);
    const phone = createApiClient(server.baseUrl, { 'user-agent': 'PhoneApp/1.0' });
    const second = await signIn({ api: phone }, alice.username, alice.password);
    const sessions = await alice.api.auth.sessions.list.query();
    expect(sessions).toHaveLength(2);
    const current = sessions.find((session) => session.isCurrent);
    expect(current?.id).toBe(sha256Hex(alice.token));
    const other = sessions.find((session) => session.id === sha256Hex(second.token));
    expect(other).toMatchObject({ userAgent: 'PhoneApp/1.0', ip: '127.0.0.1', isCurrent: false, createdAt: expect.any(Date), lastUsedAt: expect.any(Date) });
  });

  it('rejects a revoked session on its very next request', async () => {
    const bob = await registerAccount(server);
    const laptop = await signIn(server, bob.username, bob.password);
    await bob.api.auth.sessions.revoke.mutate({ id: sha256Hex(laptop.token) });
    const laptopApi = createApiClient(server.baseUrl, { authorization: `Bearer ${laptop.token}` });
    expect(await failure(laptopApi.auth.me.query())).toMatchObject({ reason: 'UNAUTHENTICATED', httpStatus: 401 });
    await expect(bob.api.auth.me.query()).resolves.toMatchObject({ id: bob.id });
  });

  it("refuses to revoke another user's session", async () => {
    const carol = await registerAccount(server);
    const dave = await registerAccount(server);
    expect(await failure(carol.api.auth.sessions.revoke.mutate({ id: sha256Hex(dave.token) }))).toMatchObject({ reason: 'NOT_FOUND' });
    await expect(dave.api.auth.me.query()).resolves.toMatchObject({ id: dave.id });
  });

  it('revokes every other session but keeps the current one', async () => {
    const erin = await registerAccount(server);
    const other1 = await signIn(server, erin.username, erin.password);
    const other2 = await signIn(server, erin.username, erin.password);
    await expect(erin.api.auth.sessions.revokeOthers.mutate()).resolves.toEqual({ revoked: 2 });
    for (const token of [other1.token, other2.token]) {
      const api = createApiClient(server.baseUrl, { authorization: `Bearer ${token}` });
      expect(await failure(api.auth.me.query())).toMatchObject({ reason: 'UNAUTHENTICATED' });
    }
    await expect(erin.api.auth.sessions.list.query()).resolves.toHaveLength(1);
  });

  it('rejects an expired session', async () => {
    const frank = await registerAccount(server);
    await server.db.updateTable('sessions').set({ expiresAt: new Date(Date.now() - 1_000) }).where('id', '=', sha256Hex(frank.token)).execute();
    expect(await failure(frank.api.auth.me.query())).toMatchObject({ reason: 'UNAUTHENTICATED' });
  });

  it('issues a new server-generated session on login, ignoring a planted cookie (no fixation)', async () => {
    const gina = await registerAccount(server);
    const planted = 'attacker-chosen-session-token-value-000000000';
    const response = await fetch(`${server.baseUrl}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://app.example', cookie: `conduit_session=${planted}` },
      body: JSON.stringify({ json: { login: gina.username, password: gina.password } }),
    });
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^conduit_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).not.toContain(planted);
    const rows = await server.db.selectFrom('sessions').select('id').where('id', '=', sha256Hex(planted)).execute();
    expect(rows).toEqual([]);
  });

  it('ends the current session on logout and records it in the audit log', async () => {
    const hugo = await registerAccount(server);
    await hugo.api.auth.logout.mutate();
    expect(await failure(hugo.api.auth.me.query())).toMatchObject({ reason: 'UNAUTHENTICATED' });
    const actions = await server.db.selectFrom('auditLog').select('action').where('actorId', '=', hugo.id).execute();
    expect(actions.map((row) => row.action)).toContain('auth.logout');
  });
});
