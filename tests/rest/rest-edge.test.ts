import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { rest, restAccount } from './rest-client.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ CORS_ORIGINS: 'https://app.example' });
});
afterAll(() => server.close());

describe('CORS for /api', () => {
  it('answers a preflight from any origin for the token header', async () => {
    const response = await fetch(`${server.baseUrl}/api/articles`, {
      method: 'OPTIONS',
      headers: { origin: 'https://frontend.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-requested-with' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toBe('authorization,content-type,x-requested-with');
    expect(response.headers.get('access-control-allow-methods')).toContain('DELETE');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets a page on another origin register and read its user with the token', async () => {
    const origin = { origin: 'https://frontend.example' };
    const registered = await rest(server, 'POST', '/api/users', { headers: origin, body: { user: { username: 'corsuser', email: 'corsuser@example.com', password: 'correct horse battery' } } });
    expect(registered.status).toBe(201);
    expect(registered.headers.get('access-control-allow-origin')).toBe('*');
    const { token } = (registered.body as { user: { token: string } }).user;
    const me = await rest(server, 'GET', '/api/user', { token, headers: origin });
    expect(me.status).toBe(200);
    expect(me.headers.get('access-control-expose-headers')).toContain('x-error-reason');
  });

  it('keeps the allow-list for /trpc', async () => {
    const response = await fetch(`${server.baseUrl}/trpc/auth.me`, {
      method: 'OPTIONS',
      headers: { origin: 'https://frontend.example', 'access-control-request-method': 'GET' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await fetch(`${server.baseUrl}/trpc/auth.me`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
  });
});

describe('the REST error body', () => {
  it('answers an unknown /api route with 404 in the RealWorld envelope', async () => {
    const { status, body, headers } = await rest(server, 'GET', '/api/nothing-here');
    expect(status).toBe(404);
    expect(headers.get('x-error-reason')).toBe('ROUTE_NOT_FOUND');
    expect(body).toEqual({ errors: { route: ['No route GET /api/nothing-here'] } });
  });

  it('answers an oversized body with 413 on `body`', async () => {
    const { status, body } = await rest(server, 'POST', '/api/users', { body: { user: { bio: 'x'.repeat(server.config.BODY_LIMIT_BYTES) } } });
    expect(status).toBe(413);
    expect(Object.keys((body as { errors: object }).errors)).toEqual(['body']);
  });

  it('answers a form-encoded body with 415 on `body`', async () => {
    const { status, body } = await rest(server, 'POST', '/api/users', { body: 'user=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(status).toBe(415);
    expect(Object.keys((body as { errors: object }).errors)).toEqual(['body']);
  });

  it('accepts `Content-Type: application/json` with an empty body where no body is needed', async () => {
    const account = await restAccount(server);
    const response = await fetch(`${server.baseUrl}/api/user`, { headers: { authorization: `Token ${account.token}`, 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
  });

  it('carries the request id on REST errors as on every response', async () => {
    const { headers } = await rest(server, 'GET', '/api/user', { headers: { 'x-request-id': 'rest-edge-1' } });
    expect(headers.get('x-request-id')).toBe('rest-edge-1');
  });
});
