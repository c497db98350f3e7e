import { Writable } from 'node:stream';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/lib/logger.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ CORS_ORIGINS: 'https://app.example' });
});
afterAll(() => server.close());

describe('request ids', () => {
  it('generates an id, echoes it and stamps it on every log line of the request', async () => {
    const response = await fetch(`${server.baseUrl}/healthz`);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const lines = server.logs.filter((line) => line.reqId === requestId);
    expect(lines.map((line) => line.msg)).toEqual(['incoming request', 'request completed']);
  });

  it('keeps a caller-supplied id and uses it in the tRPC error data', async () => {
    const response = await fetch(`${server.baseUrl}/trpc/missing.procedure`, { headers: { 'x-request-id': 'edge-proxy-42' } });
    expect(response.headers.get('x-request-id')).toBe('edge-proxy-42');
    const body = (await response.json()) as { error: { json: { data: { requestId: string } } } };
    expect(body.error.json.data.requestId).toBe('edge-proxy-42');
  });

  it('replaces an id that is unsafe to log', async () => {
    const response = await fetch(`${server.baseUrl}/healthz`, { headers: { 'x-request-id': 'evil\tid with spaces' } });
    expect(response.headers.get('x-request-id')).not.toContain('evil');
  });
});

describe('log redaction', () => {
  it('redacts credentials wherever they appear in a logged object', () => {
    const lines: string[] = [];
    const logger = createLogger({ LOG_LEVEL: 'info', NODE_ENV: 'production' }, new Writable({ write(chunk: Buffer, _e, cb) { lines.push(chunk.toString()); cb(); } }));
    logger.info({ req: { headers: { authorization: 'Bearer s3cret-token', cookie: 'session=s3cret-cookie' } }, input: { password: 's3cret-pass', token: 's3cret-reset' }, password: 'top-s3cret' }, 'login');
    const output = lines.join('');
    expect(output).not.toMatch(/s3cret/);
    expect(output).toContain('[REDACTED]');
  });
});

describe('security headers and CORS', () => {
  it('sends helmet headers', async () => {
    const response = await fetch(`${server.baseUrl}/healthz`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('allows an allow-listed origin with credentials', async () => {
    const response = await fetch(`${server.baseUrl}/trpc/health.ping`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('gives an unknown origin no CORS grant', async () => {
    const response = await fetch(`${server.baseUrl}/trpc/health.ping`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('health probes', () => {
  it('reports live and ready when the database is migrated', async () => {
    expect(await (await fetch(`${server.baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: { ok: true }, migrations: { ok: true } } });
  });

  it('turns not ready with the failing check when the database is unreachable', async () => {
    const offline = await startTestServer({ DB_CONNECTION_TIMEOUT_MS: '500' });
    await offline.database.drop();
    try {
      const response = await fetch(`${offline.baseUrl}/readyz`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { checks: { database: { ok: boolean; error: string } } };
      expect(body.checks.database.ok).toBe(false);
      // The driver's message (database name, host, authentication failure) is logged, not answered.
      expect(body.checks.database.error).toBe('database unreachable');
      expect(JSON.stringify(body)).not.toContain(offline.database.name);
      expect(offline.logs.find((line) => line.msg === 'readiness: database unreachable')).toMatchObject({ err: { message: expect.stringContaining(offline.database.name) as string } });
    } finally {
      await offline.app.close();
      await offline.db.destroy();
    }
  });
});

describe('rate limits on plain routes', () => {
  let limited: TestServer;
  beforeAll(async () => {
    // Loopback is a trusted proxy here, so each test can be a client address of its own.
    limited = await startTestServer({ RATE_LIMITS: 'on', RATE_LIMIT_READ: '3/60', TRUSTED_PROXIES: '127.0.0.1' });
  });
  afterAll(() => limited.close());

  const statusesOf = async (path: string, clientIp: string, times: number) => {
    const statuses: number[] = [];
    for (let call = 0; call < times; call++) statuses.push((await fetch(`${limited.baseUrl}${path}`, { headers: { 'x-forwarded-for': clientIp } })).status);
    return statuses;
  };

  it('limits /readyz per address in a bucket of its own, and never /healthz', async () => {
    const clientIp = '203.0.113.10';
    expect(await statusesOf('/readyz', clientIp, 4)).toEqual([200, 200, 200, 429]);
    const refused = await fetch(`${limited.baseUrl}/readyz`, { headers: { 'x-forwarded-for': clientIp } });
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    // Probes do not spend the address's API budget, nor the API its probes'.
    expect(await statusesOf('/trpc/health.ping', clientIp, 1)).toEqual([200]);
    expect(await statusesOf('/healthz', clientIp, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(await statusesOf('/readyz', '203.0.113.11', 1)).toEqual([200]);
  });

  it('limits /docs, /api/openapi.json and /dev/mailbox like API reads', async () => {
    expect(await statusesOf('/docs', '203.0.113.20', 4)).toEqual([200, 200, 200, 429]);
    expect(await statusesOf('/api/openapi.json', '203.0.113.21', 4)).toEqual([200, 200, 200, 429]);
    expect(await statusesOf('/dev/mailbox', '203.0.113.22', 4)).toEqual([200, 200, 200, 429]);
    const refused = await fetch(`${limited.baseUrl}/api/openapi.json`, { headers: { 'x-forwarded-for': '203.0.113.21' } });
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ errors: expect.any(Object) as object });
  });
});
