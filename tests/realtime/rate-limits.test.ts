import { randomBytes } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { registerAccount, signIn } from '../helpers/accounts.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { createApiClient, startTestServer, type TestServer } from '../helpers/test-server.ts';

const redisPort = 6379;

function ping(server: TestServer, headers: Record<string, string> = {}) {
  return fetch(`${server.baseUrl}/trpc/health.ping`, { headers });
}

function login(server: TestServer, headers: Record<string, string> = {}) {
  return fetch(`${server.baseUrl}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ json: { login: 'nobody-at-all', password: 'wrong-password-1' } }),
  });
}

async function reasonOf(response: Response): Promise<unknown> {
  const body = (await response.json()) as { error?: { json?: { data?: { reason?: unknown } } } };
  return body.error?.json?.data?.reason;
}

describe('rate limits in memory (no REDIS_URL)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMITS: 'on', RATE_LIMIT_READ: '3/60', RATE_LIMIT_AUTH: '2/60', RATE_LIMIT_WRITE: '2/60' });
  });
  afterAll(() => server.close());

  it('answers RATE_LIMITED with Retry-After and RateLimit headers once a policy is exhausted', async () => {
    const headers = { 'x-forwarded-for': '198.51.100.1' }; // ignored: no trusted proxies
    for (let call = 1; call <= 3; call++) {
      const response = await ping(server, headers);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-remaining')).toBe(String(3 - call));
    }
    const refused = await ping(server, headers);
    expect(refused.status).toBe(429);
    expect(await reasonOf(refused)).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-limit')).toBe('3');
    expect(refused.headers.get('ratelimit-policy')).toBe('3;w=60;name="read"');
  });

  it('limits signed-in writes per user, not per IP', async () => {
    const other = await startTestServer({ RATE_LIMITS: 'on', RATE_LIMIT_WRITE: '1/60' });
    try {
      const dave = await registerAccount(other);
      const erin = await registerAccount(other);
      const secondSession = await signIn(other, dave.username, dave.password);
      await dave.api.auth.logout.mutate();
      const daveAgain = createApiClient(other.baseUrl, { authorization: `Bearer ${secondSession.token}` });
      await expect(daveAgain.auth.logout.mutate()).rejects.toMatchObject({ data: { reason: 'RATE_LIMITED' } });
      // Same IP, another user: their own budget.
      await expect(erin.api.auth.logout.mutate()).resolves.toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('limits anonymous mutations (sign-in) by the `auth` policy per IP', async () => {
    const other = await startTestServer({ RATE_LIMITS: 'on', RATE_LIMIT_AUTH: '2/60' });
    try {
      expect((await login(other)).status).toBe(401);
      expect((await login(other)).status).toBe(401);
      const refused = await login(other);
      expect(refused.status).toBe(429);
      expect(await reasonOf(refused)).toBe('RATE_LIMITED');
    } finally {
      await other.close();
    }
  });
});

describe('client IP behind trusted proxies', () => {
  it('believes X-Forwarded-For only from a proxy in TRUSTED_PROXIES', async () => {
    const server = await startTestServer({ RATE_LIMITS: 'on', RATE_LIMIT_READ: '1/60', TRUSTED_PROXIES: '127.0.0.1' });
    try {
      expect((await ping(server, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(200);
      expect((await ping(server, { 'x-forwarded-for': '203.0.113.2' })).status).toBe(200);
      expect((await ping(server, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(429);
    } finally {
      await server.close();
    }
  });
});

describe('RATE_LIMITS=off', () => {
  it('disables every limit and warns at start-up', async () => {
    const server = await startTestServer({ RATE_LIMITS: 'off', RATE_LIMIT_READ: '1/60' });
    try {
      for (let call = 0; call < 3; call++) expect((await ping(server)).status).toBe(200);
      expect(server.logs).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringContaining('RATE_LIMITS=off') }));
    } finally {
      await server.close();
    }
  });
});

describe('rate limits in Redis', () => {
  let proxy: TcpProxy;
  let prefix: string;
  let servers: TestServer[];
  beforeAll(async () => {
    proxy = await startTcpProxy(redisPort);
    prefix = `conduit-test:${randomBytes(6).toString('hex')}:`;
    const env = { RATE_LIMITS: 'on', REDIS_URL: proxy.url, REDIS_KEY_PREFIX: prefix, RATE_LIMIT_READ: '4/60', RATE_LIMIT_AUTH: '2/60' };
    servers = [await startTestServer(env), await startTestServer(env)];
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    const redis = new Redis(redisPort, '127.0.0.1');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await proxy.close();
  });

  it('shares one limit between instances', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const headers = { 'x-forwarded-for': 'ignored' };
    const statuses = [];
    for (const server of [a, b, a, b, a]) statuses.push((await ping(server, headers)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it('keeps serving reads when Redis is unreachable, keeps limiting sign-in per instance, and recovers', async () => {
    const [a] = servers as [TestServer, TestServer];
    await proxy.cut();
    try {
      // Reads fail open: far past the read limit, still served.
      for (let call = 0; call < 6; call++) expect((await ping(a)).status).toBe(200);
      // Sign-in falls back to a per-instance memory limiter: still refused past the limit.
      expect((await login(a)).status).toBe(401);
      expect((await login(a)).status).toBe(401);
      expect((await login(a)).status).toBe(429);
    } finally {
      await proxy.restore();
    }
    // Back on Redis: the shared read counter is exhausted from the first test, so reads are refused again.
    await vi.waitFor(async () => expect((await ping(a)).status).toBe(429), { timeout: 10_000, interval: 200 });
  });
});
