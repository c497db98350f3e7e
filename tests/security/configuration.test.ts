/**
 * API8:2023 Security Misconfiguration (ASVS V14) and CSRF (ASVS 4.2.2, 3.5.x), over HTTP against
 * a production-mode server where it matters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount } from '../helpers/accounts.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { rawMutation, rawQuery } from './security-helpers.ts';

const allowedOrigin = 'https://app.conduit.example';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ NODE_ENV: 'production', CORS_ORIGINS: allowedOrigin });
});
afterAll(() => server.close());

describe('API8:2023 Security Misconfiguration (ASVS 14.4, 14.5, 7.4.1)', () => {
  it('ASVS 14.4.1-14.4.7 — helmet headers are present on API answers', async () => {
    const response = await rawQuery(server.baseUrl, 'health.ping', undefined);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(response.headers.get('x-frame-options')).toBeTruthy();
    expect(response.headers.get('content-security-policy')).toBeTruthy();
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('ASVS 14.5.3 — CORS refuses unknown origins, credentialed or not, and allows the configured one', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.baseUrl}/trpc/auth.logout`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await rawQuery(server.baseUrl, 'health.ping', undefined, { origin: 'https://evil.example' });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    const good = await preflight(allowedOrigin);
    expect(good.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
  });

  it('ASVS 7.4.1 — errors in production carry no stack trace or SQL text', async () => {
    const bodies = await Promise.all([
      rawQuery(server.baseUrl, 'articles.bySlug', { slug: "' OR 1=1 --" }).then((r) => r.text()),
      rawQuery(server.baseUrl, 'articles.list', { cursor: 'not-a-cursor' }).then((r) => r.text()),
      fetch(`${server.baseUrl}/trpc/articles.create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad json' }).then((r) => r.text()),
      fetch(`${server.baseUrl}/api/articles/x`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{bad json' }).then((r) => r.text()),
    ]);
    for (const body of bodies) {
      expect(body).not.toMatch(/\bat .+\.(ts|js):\d+/);
      expect(body).not.toMatch(/"stack"/);
      expect(body).not.toMatch(/SELECT |INSERT |relation "|syntax error at/i);
    }
  });

  it('API8:2023 — /dev/* routes are absent in production', async () => {
    expect((await fetch(`${server.baseUrl}/dev/mailbox`)).status).toBe(404);
  });

  it('API8:2023 — unknown routes answer 404 without framework banners', async () => {
    const response = await fetch(`${server.baseUrl}/nope/../../etc/passwd`);
    expect(response.status).toBe(404);
    const body = await response.text();
    expect(body.toLowerCase()).not.toContain('fastify');
    expect(response.headers.get('server')).toBeNull();
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});

describe('CSRF (ASVS 4.2.2, 3.5.3)', () => {
  it('ASVS 4.2.2 — a cookie-authenticated mutation from a foreign Origin is refused', async () => {
    const account = await registerAccount(server);
    const cookie = `conduit_session=${account.token}`;
    const response = await rawMutation(server.baseUrl, 'articles.create', { title: 'csrf', description: 'd', body: 'b', tagList: [] }, { cookie, origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('CSRF_REJECTED');
    const noOrigin = await rawMutation(server.baseUrl, 'articles.create', { title: 'csrf', description: 'd', body: 'b', tagList: [] }, { cookie });
    expect(noOrigin.status).toBe(403);
    const allowed = await rawMutation(server.baseUrl, 'articles.create', { title: 'from the app', description: 'd', body: 'b', tagList: [] }, { cookie, origin: allowedOrigin });
    expect(allowed.status).toBe(200);
  });

  it('ASVS 4.2.2 — bearer-authenticated mutations are not affected by Origin', async () => {
    const account = await registerAccount(server);
    const response = await rawMutation(server.baseUrl, 'articles.create', { title: 'bearer', description: 'd', body: 'b', tagList: [] }, { authorization: `Bearer ${account.token}`, origin: 'https://evil.example' });
    expect(response.status).toBe(200);
  });
});
