import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { rest, restAccount } from './rest-client.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('GET /api/profiles/{username}', () => {
  it('answers 200 with the profile, not followed, for an anonymous caller', async () => {
    const author = await restAccount(server);
    const { status, body } = await rest(server, 'GET', `/api/profiles/${author.username}`);
    expect(status).toBe(200);
    expect(body).toEqual({ profile: { username: author.username, bio: '', image: null, following: false } });
  });

  it('says `following: true` to a follower', async () => {
    const [author, reader] = await Promise.all([restAccount(server), restAccount(server)]);
    await rest(server, 'POST', `/api/profiles/${author.username}/follow`, { token: reader.token });
    const { body } = await rest(server, 'GET', `/api/profiles/${author.username}`, { token: reader.token });
    expect(body).toEqual({ profile: { username: author.username, bio: '', image: null, following: true } });
  });

  it('answers 404 on `profile` for an unknown user', async () => {
    const { status, body, headers } = await rest(server, 'GET', '/api/profiles/nobody_here');
    expect(status).toBe(404);
    expect(headers.get('x-error-reason')).toBe('NOT_FOUND');
    expect(body).toEqual({ errors: { profile: ['No such user'] } });
  });

  it('answers 422 on `username` for an impossible username', async () => {
    const { status, body } = await rest(server, 'GET', '/api/profiles/x');
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { username: ['Username must be 3 to 32 letters, digits, "_" or "-"'] } });
  });
});

describe('POST /api/profiles/{username}/follow', () => {
  it('follows and answers 200 with the profile, idempotently', async () => {
    const [author, reader] = await Promise.all([restAccount(server), restAccount(server)]);
    for (let attempt = 0; attempt < 2; attempt++) {
      const { status, body } = await rest(server, 'POST', `/api/profiles/${author.username}/follow`, { token: reader.token });
      expect(status).toBe(200);
      expect(body).toEqual({ profile: { username: author.username, bio: '', image: null, following: true } });
    }
  });

  it('answers 401 on `token` without a token', async () => {
    const author = await restAccount(server);
    const { status, body } = await rest(server, 'POST', `/api/profiles/${author.username}/follow`);
    expect(status).toBe(401);
    expect(body).toEqual({ errors: { token: ['Sign in to do this'] } });
  });

  it('answers 404 on `profile` for an unknown user', async () => {
    const reader = await restAccount(server);
    const { status, body } = await rest(server, 'POST', '/api/profiles/nobody_here/follow', { token: reader.token });
    expect(status).toBe(404);
    expect(body).toEqual({ errors: { profile: ['No such user'] } });
  });

  it('answers 422 when following yourself', async () => {
    const reader = await restAccount(server);
    const { status, body, headers } = await rest(server, 'POST', `/api/profiles/${reader.username}/follow`, { token: reader.token });
    expect(status).toBe(422);
    expect(headers.get('x-error-reason')).toBe('CANNOT_FOLLOW_SELF');
    expect(body).toEqual({ errors: { cannot_follow_self: ['You cannot follow yourself'] } });
  });

  it('answers 422 on `username` for an impossible username', async () => {
    const reader = await restAccount(server);
    const { status, body } = await rest(server, 'POST', '/api/profiles/a%20b/follow', { token: reader.token });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { username: ['Username must be 3 to 32 letters, digits, "_" or "-"'] } });
  });
});

describe('DELETE /api/profiles/{username}/follow', () => {
  it('unfollows and answers 200 with the profile, idempotently', async () => {
    const [author, reader] = await Promise.all([restAccount(server), restAccount(server)]);
    await rest(server, 'POST', `/api/profiles/${author.username}/follow`, { token: reader.token });
    for (let attempt = 0; attempt < 2; attempt++) {
      const { status, body } = await rest(server, 'DELETE', `/api/profiles/${author.username}/follow`, { token: reader.token });
      expect(status).toBe(200);
      expect(body).toEqual({ profile: { username: author.username, bio: '', image: null, following: false } });
    }
  });

  it('answers 401 on `token` without a token', async () => {
    const author = await restAccount(server);
    const { status, body } = await rest(server, 'DELETE', `/api/profiles/${author.username}/follow`);
    expect(status).toBe(401);
    expect(body).toEqual({ errors: { token: ['Sign in to do this'] } });
  });

  it('answers 404 on `profile` for an unknown user', async () => {
    const reader = await restAccount(server);
    const { status, body } = await rest(server, 'DELETE', '/api/profiles/nobody_here/follow', { token: reader.token });
    expect(status).toBe(404);
    expect(body).toEqual({ errors: { profile: ['No such user'] } });
  });

  it('answers 422 on `username` for an impossible username', async () => {
    const reader = await restAccount(server);
    const { status, body } = await rest(server, 'DELETE', '/api/profiles/x/follow', { token: reader.token });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { username: ['Username must be 3 to 32 letters, digits, "_" or "-"'] } });
  });
});
