import { createHash } from 'node:crypto';

import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AppRouter } from '../../src/client.ts';
import { registerAccount, signIn } from '../helpers/accounts.ts';
import { createApiClient, startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ CORS_ORIGINS: 'https://app.example' });
});
afterAll(() => server.close());

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(TRPCClientError);
  return (error as TRPCClientError<AppRouter>).data;
}

describe('registration and sign-in', () => {
  it('registers, returns a 256-bit token, and recognises it as a bearer token', async () => {
    const alice = await registerAccount(server, { username: 'alice', email: 'Alice@Example.com' });
    expect(Buffer.from(alice.token, 'base64url')).toHaveLength(32);
    await expect(alice.api.auth.me.query()).resolves.toMatchObject({ username: 'alice', email: 'Alice@Example.com', role: 'user', emailVerified: false });
  });

  it('stores only the SHA-256 of the session token', async () => {
    const bob = await registerAccount(server);
    const rows = await server.db.selectFrom('sessions').select('id').where('userId', '=', bob.id).execute();
    expect(rows.map((row) => row.id)).toEqual([createHash('sha256').update(bob.token).digest('hex')]);
  });

  it('refuses a second account with the same email in another case', async () => {
    await registerAccount(server, { email: 'carol@example.com', username: 'carol' });
    const data = await failure(registerAccount(server, { email: 'CAROL@example.com', username: 'carol2' }));
    expect(data).toMatchObject({ reason: 'EMAIL_TAKEN', httpStatus: 409, details: { field: 'email' } });
  });

  it('signs in by username or email with a fresh session each time', async () => {
    const dave = await registerAccount(server, { username: 'dave' });
    const byName = await signIn(server, 'DAVE', dave.password);
    const byEmail = await signIn(server, dave.email, dave.password);
    expect(new Set([dave.token, byName.token, byEmail.token]).size).toBe(3);
  });

  it('gives the same answer for a wrong password and an unknown account', async () => {
    const erin = await registerAccount(server);
    const wrongPassword = await failure(server.api.auth.login.mutate({ login: erin.username, password: 'not-the-password' }));
    const unknown = await failure(server.api.auth.login.mutate({ login: 'nobody-here', password: 'not-the-password' }));
    expect(wrongPassword).toMatchObject({ reason: 'INVALID_CREDENTIALS', httpStatus: 401 });
    expect({ ...unknown, requestId: undefined }).toEqual({ ...wrongPassword, requestId: undefined });
  });

  it('ends the session immediately on logout', async () => {
    const frank = await registerAccount(server);
    await frank.api.auth.logout.mutate();
    expect(await failure(frank.api.auth.me.query())).toMatchObject({ reason: 'UNAUTHENTICATED', httpStatus: 401 });
  });

  it('accepts the RealWorld `Token` scheme', async () => {
    const gina = await registerAccount(server);
    const client = createApiClient(server.baseUrl, { authorization: `Token ${gina.token}` });
    await expect(client.auth.me.query()).resolves.toMatchObject({ id: gina.id });
  });
});

describe('session cookie', () => {
  async function registerForCookie() {
    const response = await fetch(`${server.baseUrl}/trpc/auth.register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://app.example' },
      body: JSON.stringify({ json: { email: 'cookie@example.com', username: 'cookie_user', password: 'cookie-password-1' } }),
    });
    expect(response.status).toBe(200);
    return response.headers.get('set-cookie') ?? '';
  }

  it('is httpOnly and SameSite=Lax, and refuses cookie mutations from unknown origins', async () => {
    const setCookie = await registerForCookie();
    expect(setCookie).toMatch(/^conduit_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(';')[0] ?? '';

    const fromAllowed = createApiClient(server.baseUrl, { cookie, origin: 'https://app.example' });
    await expect(fromAllowed.auth.me.query()).resolves.toMatchObject({ username: 'cookie_user' });

    const fromEvil = createApiClient(server.baseUrl, { cookie, origin: 'https://evil.example' });
    expect(await failure(fromEvil.auth.logout.mutate())).toMatchObject({ reason: 'CSRF_REJECTED', httpStatus: 403 });
    const withoutOrigin = createApiClient(server.baseUrl, { cookie });
    expect(await failure(withoutOrigin.auth.logout.mutate())).toMatchObject({ reason: 'CSRF_REJECTED' });
    // The refused logout did not happen.
    await expect(fromAllowed.auth.me.query()).resolves.toMatchObject({ username: 'cookie_user' });
  });
});
