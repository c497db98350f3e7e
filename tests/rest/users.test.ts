import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApiClient, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { rest, restAccount } from './rest-client.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('POST /api/users', () => {
  it('registers and answers 201 with exactly the RealWorld user and a usable token', async () => {
    const { status, body } = await rest(server, 'POST', '/api/users', { body: { user: { username: 'rwalice', email: 'rwalice@example.com', password: 'correct horse battery' } } });
    expect(status).toBe(201);
    expect(body).toEqual({ user: { email: 'rwalice@example.com', username: 'rwalice', bio: '', image: null, token: expect.any(String) as string } });
    const token = (body as { user: { token: string } }).user.token;
    expect((await rest(server, 'GET', '/api/user', { token })).status).toBe(200);
  });

  it('hands out a session token that the tRPC API accepts too', async () => {
    const { body } = await rest(server, 'POST', '/api/users', { body: { user: { username: 'rwboth', email: 'rwboth@example.com', password: 'correct horse battery' } } });
    const { token } = (body as { user: { token: string } }).user;
    const api = createApiClient(server.baseUrl, { authorization: `Bearer ${token}` });
    await expect(api.auth.me.query()).resolves.toMatchObject({ username: 'rwboth' });
  });

  it('answers 409 naming the field when the email is taken', async () => {
    const taken = await restAccount(server);
    const { status, body, headers } = await rest(server, 'POST', '/api/users', { body: { user: { username: 'rwother', email: taken.email, password: 'correct horse battery' } } });
    expect(status).toBe(409);
    expect(headers.get('x-error-reason')).toBe('EMAIL_TAKEN');
    expect(body).toEqual({ errors: { email: ['That email is already registered'] } });
  });

  it('answers 409 naming the field when the username is taken', async () => {
    const taken = await restAccount(server);
    const { status, body } = await rest(server, 'POST', '/api/users', { body: { user: { username: taken.username, email: 'fresh@example.com', password: 'correct horse battery' } } });
    expect(status).toBe(409);
    expect(body).toEqual({ errors: { username: ['That username is taken'] } });
  });

  it('answers 422 with one key per invalid field', async () => {
    const { status, body, headers } = await rest(server, 'POST', '/api/users', { body: { user: { username: 'x', email: 'not-an-email', password: 'short' } } });
    expect(status).toBe(422);
    expect(headers.get('x-error-reason')).toBe('VALIDATION_ERROR');
    expect(body).toEqual({
      errors: {
        email: ['Must be a valid email address'],
        username: ['Username must be 3 to 32 letters, digits, "_" or "-"'],
        password: ['Password must be at least 8 characters'],
      },
    });
  });

  it('answers 422 for a missing field', async () => {
    const { status, body } = await rest(server, 'POST', '/api/users', { body: { user: { username: 'rwnopass', email: 'rwnopass@example.com' } } });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { password: ['Invalid input: expected string, received undefined'] } });
  });

  it('answers 422 naming the envelope when the body is not { user: { … } }', async () => {
    const { status, body } = await rest(server, 'POST', '/api/users', { body: { username: 'flat', email: 'flat@example.com', password: 'correct horse' } });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { user: ['must be an object: the body is { "user": { … } }'] } });
  });

  it('ignores fields the spec does not document instead of letting them through', async () => {
    const { status, body } = await rest(server, 'POST', '/api/users', { body: { user: { username: 'rwsneaky', email: 'rwsneaky@example.com', password: 'correct horse battery', role: 'admin' } } });
    expect(status).toBe(201);
    const rows = await server.db.selectFrom('users').select('role').where('username', '=', 'rwsneaky').execute();
    expect(rows).toEqual([{ role: 'user' }]);
    expect(body).toMatchObject({ user: { username: 'rwsneaky' } });
  });

  it('answers 422 for malformed JSON', async () => {
    const { status, body, headers } = await rest(server, 'POST', '/api/users', { body: '{"user": ' });
    expect(status).toBe(422);
    expect(headers.get('x-error-reason')).toBe('MALFORMED_REQUEST');
    expect(Object.keys((body as { errors: object }).errors)).toEqual(['body']);
  });

  it('sets no session cookie: REST hands the token over in the body only', async () => {
    const response = await fetch(`${server.baseUrl}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { username: 'rwnocookie', email: 'rwnocookie@example.com', password: 'correct horse battery' } }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});

describe('POST /api/users/login', () => {
  it('signs in by email and answers 200 with a fresh token', async () => {
    const account = await restAccount(server);
    const { status, body } = await rest(server, 'POST', '/api/users/login', { body: { user: { email: account.email, password: account.password } } });
    expect(status).toBe(200);
    expect(body).toEqual({ user: { email: account.email, username: account.username, bio: '', image: null, token: expect.any(String) as string } });
    expect((body as { user: { token: string } }).user.token).not.toBe(account.token);
  });

  it('answers 401 for a wrong password', async () => {
    const account = await restAccount(server);
    const { status, body, headers } = await rest(server, 'POST', '/api/users/login', { body: { user: { email: account.email, password: 'not-the-password' } } });
    expect(status).toBe(401);
    expect(headers.get('x-error-reason')).toBe('INVALID_CREDENTIALS');
    expect(body).toEqual({ errors: { credentials: ['Wrong email, username or password'] } });
  });

  it('answers 403 on `account` for a suspended account', async () => {
    const account = await restAccount(server);
    await server.db.updateTable('users').set({ suspendedAt: new Date(), suspensionReason: 'spam' }).where('id', '=', account.id).execute();
    const { status, body } = await rest(server, 'POST', '/api/users/login', { body: { user: { email: account.email, password: account.password } } });
    expect(status).toBe(403);
    expect(body).toEqual({ errors: { account: ['This account is suspended'] } });
  });

  it('answers 422 on `email` (not the procedure\'s `login`) when it is blank', async () => {
    const { status, body } = await rest(server, 'POST', '/api/users/login', { body: { user: { email: '', password: 'whatever-it-is' } } });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { email: ['Too small: expected string to have >=1 characters'] } });
  });

  it('answers 422 when the password is missing', async () => {
    const { status, body } = await rest(server, 'POST', '/api/users/login', { body: { user: { email: 'someone@example.com' } } });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { password: ['Invalid input: expected string, received undefined'] } });
  });

  it('answers 422 when the body has no user', async () => {
    const { status, body } = await rest(server, 'POST', '/api/users/login', { body: {} });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { user: ['must be an object: the body is { "user": { … } }'] } });
  });
});

describe('GET /api/user', () => {
  it('answers 200 with the current user and the token that was sent', async () => {
    const account = await restAccount(server);
    const { status, body } = await rest(server, 'GET', '/api/user', { token: account.token });
    expect(status).toBe(200);
    expect(body).toEqual({ user: { email: account.email, username: account.username, bio: '', image: null, token: account.token } });
  });

  it('accepts `Bearer` as well as `Token`', async () => {
    const account = await restAccount(server);
    const { status } = await rest(server, 'GET', '/api/user', { headers: { authorization: `Bearer ${account.token}` } });
    expect(status).toBe(200);
  });

  it('answers 401 on `token` without a token', async () => {
    const { status, body, headers } = await rest(server, 'GET', '/api/user');
    expect(status).toBe(401);
    expect(headers.get('x-error-reason')).toBe('UNAUTHENTICATED');
    expect(body).toEqual({ errors: { token: ['Sign in to do this'] } });
  });

  it('answers 401 for an unknown token', async () => {
    const { status, body } = await rest(server, 'GET', '/api/user', { token: 'A'.repeat(43) });
    expect(status).toBe(401);
    expect(body).toEqual({ errors: { token: ['Sign in to do this'] } });
  });

  it('does not accept the session cookie: REST is token-only', async () => {
    const account = await restAccount(server);
    const { status } = await rest(server, 'GET', '/api/user', { headers: { cookie: `conduit_session=${account.token}` } });
    expect(status).toBe(401);
  });
});

describe('PUT /api/user', () => {
  it('updates the given fields and answers 200 with the user and the same token', async () => {
    const account = await restAccount(server);
    const { status, body } = await rest(server, 'PUT', '/api/user', {
      token: account.token,
      body: { user: { bio: 'I like dragons', image: 'https://example.com/me.png' } },
    });
    expect(status).toBe(200);
    expect(body).toEqual({ user: { email: account.email, username: account.username, bio: 'I like dragons', image: 'https://example.com/me.png', token: account.token } });
  });

  it('accepts the whole user object back, token included, as RealWorld settings pages send it', async () => {
    const account = await restAccount(server);
    const { body: current } = await rest(server, 'GET', '/api/user', { token: account.token });
    const { status, body } = await rest(server, 'PUT', '/api/user', { token: account.token, body: { user: { ...(current as { user: object }).user, bio: null, image: null } } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ user: { bio: '', image: null } });
  });

  it('changes the password: the old one stops working, the token keeps working', async () => {
    const account = await restAccount(server);
    expect((await rest(server, 'PUT', '/api/user', { token: account.token, body: { user: { password: 'a brand new passphrase' } } })).status).toBe(200);
    const oldPassword = await rest(server, 'POST', '/api/users/login', { body: { user: { email: account.email, password: account.password } } });
    expect(oldPassword.status).toBe(401);
    const newPassword = await rest(server, 'POST', '/api/users/login', { body: { user: { email: account.email, password: 'a brand new passphrase' } } });
    expect(newPassword.status).toBe(200);
    expect((await rest(server, 'GET', '/api/user', { token: account.token })).status).toBe(200);
  });

  it('answers 401 on `token` without a token', async () => {
    const { status, body } = await rest(server, 'PUT', '/api/user', { body: { user: { bio: 'x' } } });
    expect(status).toBe(401);
    expect(body).toEqual({ errors: { token: ['Sign in to do this'] } });
  });

  it('answers 409 on `username` when it is taken', async () => {
    const [account, other] = await Promise.all([restAccount(server), restAccount(server)]);
    const { status, body } = await rest(server, 'PUT', '/api/user', { token: account.token, body: { user: { username: other.username } } });
    expect(status).toBe(409);
    expect(body).toEqual({ errors: { username: ['That username is taken'] } });
  });

  it('answers 409 on `email` when it is taken', async () => {
    const [account, other] = await Promise.all([restAccount(server), restAccount(server)]);
    const { status, body } = await rest(server, 'PUT', '/api/user', { token: account.token, body: { user: { email: other.email } } });
    expect(status).toBe(409);
    expect(body).toEqual({ errors: { email: ['That email is already registered'] } });
  });

  it('answers 422 with one key per invalid field', async () => {
    const account = await restAccount(server);
    const { status, body } = await rest(server, 'PUT', '/api/user', {
      token: account.token,
      body: { user: { email: 'nope', username: 'x', password: 'short', bio: 'b'.repeat(2_001), image: 'ftp://example.com/a.png' } },
    });
    expect(status).toBe(422);
    expect(body).toEqual({
      errors: {
        email: ['Must be a valid email address'],
        username: ['Username must be 3 to 32 letters, digits, "_" or "-"'],
        password: ['Password must be at least 8 characters'],
        bio: ['Too big: expected string to have <=2000 characters'],
        image: ['Invalid URL'],
      },
    });
  });

  it('answers 422 on `user` when the envelope is missing', async () => {
    const account = await restAccount(server);
    const { status, body } = await rest(server, 'PUT', '/api/user', { token: account.token, body: { bio: 'flat' } });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { user: ['must be an object: the body is { "user": { … } }'] } });
  });
});
