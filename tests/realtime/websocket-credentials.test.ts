/**
 * A WebSocket outlives the credential it opened with: each call over an open socket must see the
 * account and session as they are now (suspended, demoted, revoked), as each HTTP request does.
 * And CORS does not guard WebSocket upgrades: a session cookie counts only from a trusted Origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { createWsClient } from '../helpers/stream-clients.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { refusal } from '../security/security-helpers.ts';

const allowedOrigin = 'https://app.conduit.example';
let server: TestServer;
let admin: TestAccount;

beforeAll(async () => {
  server = await startTestServer({ CORS_ORIGINS: allowedOrigin });
  admin = await registerAccount(server);
  await server.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.id).execute();
});
afterAll(() => server.close());

describe('credentials over an open WebSocket', () => {
  it('refuses the next call once the user is suspended (session: it ends; access token: ACCOUNT_SUSPENDED)', async () => {
    const alice = await registerAccount(server);
    const pat = await alice.api.auth.tokens.create.mutate({ name: 'socket', scopes: ['read'] });
    const bySession = createWsClient(server.baseUrl, alice.token);
    const byToken = createWsClient(server.baseUrl, pat.token);
    await expect(bySession.client.auth.me.query()).resolves.toMatchObject({ username: alice.username });
    await expect(byToken.client.auth.me.query()).resolves.toMatchObject({ username: alice.username });
    await admin.api.admin.users.suspend.mutate({ username: alice.username, reason: 'spam' });
    expect(await refusal(bySession.client.auth.me.query())).toMatchObject({ reason: 'UNAUTHENTICATED', httpStatus: 401 });
    expect(await refusal(byToken.client.auth.me.query())).toMatchObject({ reason: 'ACCOUNT_SUSPENDED' });
    await Promise.all([bySession.close(), byToken.close()]);
  });

  it('refuses the next call once the session is revoked', async () => {
    const bob = await registerAccount(server);
    const socket = createWsClient(server.baseUrl, bob.token);
    await expect(socket.client.auth.me.query()).resolves.toMatchObject({ username: bob.username });
    await bob.api.auth.logout.mutate();
    expect(await refusal(socket.client.auth.me.query())).toMatchObject({ reason: 'UNAUTHENTICATED', httpStatus: 401 });
    await socket.close();
  });

  it('refuses admin calls once the admin is demoted (session: it ends; access token: FORBIDDEN)', async () => {
    const carol = await registerAccount(server);
    await server.db.updateTable('users').set({ role: 'admin' }).where('id', '=', carol.id).execute();
    const pat = await carol.api.auth.tokens.create.mutate({ name: 'socket', scopes: ['read'] });
    const bySession = createWsClient(server.baseUrl, carol.token);
    const byToken = createWsClient(server.baseUrl, pat.token);
    await expect(bySession.client.admin.users.list.query({})).resolves.toMatchObject({ items: expect.any(Array) });
    await expect(byToken.client.admin.users.list.query({})).resolves.toMatchObject({ items: expect.any(Array) });
    await admin.api.admin.users.setRole.mutate({ username: carol.username, role: 'user' });
    expect(await refusal(bySession.client.admin.users.list.query({}))).toMatchObject({ reason: 'UNAUTHENTICATED' });
    expect(await refusal(byToken.client.admin.users.list.query({}))).toMatchObject({ reason: 'FORBIDDEN', httpStatus: 403 });
    await Promise.all([bySession.close(), byToken.close()]);
  });
});

describe('cookie-authenticated WebSockets (cross-site WebSocket hijacking)', () => {
  it('does not sign in a WebSocket by session cookie from a foreign Origin', async () => {
    const dave = await registerAccount(server);
    const socket = createWsClient(server.baseUrl, undefined, { cookie: `conduit_session=${dave.token}`, origin: 'https://evil.example' });
    expect(await refusal(socket.client.auth.me.query())).toMatchObject({ reason: 'UNAUTHENTICATED', httpStatus: 401 });
    await socket.close();
  });

  it('signs in a WebSocket by session cookie from an allow-listed Origin or the server’s own', async () => {
    const erin = await registerAccount(server);
    const cookie = `conduit_session=${erin.token}`;
    const fromApp = createWsClient(server.baseUrl, undefined, { cookie, origin: allowedOrigin });
    const sameOrigin = createWsClient(server.baseUrl, undefined, { cookie, origin: server.baseUrl });
    await expect(fromApp.client.auth.me.query()).resolves.toMatchObject({ username: erin.username });
    await expect(sameOrigin.client.auth.me.query()).resolves.toMatchObject({ username: erin.username });
    await Promise.all([fromApp.close(), sameOrigin.close()]);
  });

  it('accepts a token in connectionParams from any Origin', async () => {
    const frank = await registerAccount(server);
    const socket = createWsClient(server.baseUrl, frank.token, { origin: 'https://evil.example' });
    await expect(socket.client.auth.me.query()).resolves.toMatchObject({ username: frank.username });
    await socket.close();
  });
});
