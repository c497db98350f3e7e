import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount } from '../helpers/accounts.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/** Raw HTTP, to read the status and `Retry-After` header the client library hides. */
async function login(server: TestServer, body: { login: string; password: string }) {
  const response = await fetch(`${server.baseUrl}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ json: body }),
  });
  const payload = (await response.json()) as { error?: { json: { data: { reason: string } } } };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), reason: payload.error?.json.data.reason ?? 'OK' };
}

// Redis when the machine has one (REDIS_URL), otherwise the in-memory store: the rules are the same.
const stores = [{ name: 'memory', env: {} }, ...(process.env.REDIS_URL ? [{ name: 'redis', env: { REDIS_URL: process.env.REDIS_URL } }] : [])];

describe.each(stores)('login throttling ($name store)', ({ env }) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      ...env,
      LOGIN_THROTTLE_KEY_PREFIX: `conduit-test:${randomBytes(6).toString('hex')}`,
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '5',
      LOGIN_MAX_FAILURES_PER_IP: '12',
      LOGIN_FAILURE_WINDOW_SECONDS: '900',
    });
  });
  afterAll(() => server.close());

  it('refuses the sixth attempt after five failures with RATE_LIMITED and Retry-After, even with the right password', async () => {
    const alice = await registerAccount(server);
    const reasons = [];
    for (let attempt = 0; attempt < 5; attempt++) reasons.push((await login(server, { login: alice.username, password: 'wrong password' })).reason);
    expect(reasons).toEqual(Array(5).fill('INVALID_CREDENTIALS'));
    const blocked = await login(server, { login: alice.username, password: alice.password });
    expect(blocked).toMatchObject({ status: 429, reason: 'RATE_LIMITED' });
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    expect(Number(blocked.retryAfter)).toBeLessThanOrEqual(900);
  });

  it('throttles an unknown account name exactly like a real one', async () => {
    const outcomes = [];
    for (let attempt = 0; attempt < 6; attempt++) outcomes.push((await login(server, { login: 'nobody_by_that_name', password: 'wrong password' })).status);
    expect(outcomes).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('throttles one IP trying many accounts', async () => {
    const names = Array.from({ length: 3 }, (_, index) => `spray_${index}_${randomBytes(3).toString('hex')}`);
    const statuses = [];
    // 12 failures per IP are allowed; earlier tests in this file already spent 10.
    for (const name of names) for (let attempt = 0; attempt < 2; attempt++) statuses.push((await login(server, { login: name, password: 'wrong password' })).status);
    expect(statuses.slice(0, 2)).toEqual([401, 401]);
    expect(statuses.slice(2)).toEqual([429, 429, 429, 429]);
  });
});
