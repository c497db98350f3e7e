import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, sampleValue } from '../helpers/polling.ts';
import { registerAccount } from '../helpers/accounts.ts';
import { collect, createSseClient } from '../helpers/stream-clients.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

async function scrape(server: TestServer, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${server.baseUrl}/metrics`, { headers });
  expect(response.status).toBe(200);
  return response.text();
}

/** Request metrics are recorded once the response has gone out: poll until a sample appears. */
function scrapeUntil(server: TestServer, name: string, labels: Record<string, string>) {
  return eventually(async () => sampleValue(await scrape(server), name, labels), 5_000, `${name} ${JSON.stringify(labels)}`);
}

describe('GET /metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('counts requests and times them per route pattern and status', async () => {
    await fetch(`${server.baseUrl}/healthz`);
    const count = await scrapeUntil(server, 'conduit_http_request_duration_seconds_count', { method: 'GET', route: '/healthz', status_code: '200' });
    expect(count).toBeGreaterThanOrEqual(1);
  });

  it('times each procedure call and counts failures by reason', async () => {
    await registerAccount(server);
    await expect(server.api.auth.me.query()).rejects.toThrow();
    const text = await scrape(server);
    expect(sampleValue(text, 'conduit_trpc_procedure_duration_seconds_count', { procedure: 'auth.register', type: 'mutation', status_code: '200' })).toBe(1);
    expect(sampleValue(text, 'conduit_trpc_procedure_duration_seconds_count', { procedure: 'auth.me', status_code: '401' })).toBe(1);
    expect(sampleValue(text, 'conduit_trpc_errors_total', { procedure: 'auth.me', reason: 'UNAUTHENTICATED' })).toBe(1);
  });

  it('folds unknown procedure paths into one label value', async () => {
    await fetch(`${server.baseUrl}/trpc/made.up.path`);
    const text = await scrape(server);
    expect(sampleValue(text, 'conduit_trpc_errors_total', { procedure: '(unknown)', reason: 'PROCEDURE_NOT_FOUND' })).toBe(1);
    expect(text).not.toContain('made.up.path');
  });

  it('reports the database pool, query durations, event-loop delay and heap', async () => {
    await fetch(`${server.baseUrl}/readyz`);
    const text = await scrape(server);
    expect(sampleValue(text, 'conduit_db_pool_connections')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, 'conduit_db_pool_idle_connections')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(text, 'conduit_db_pool_waiting_requests')).toBe(0);
    expect(sampleValue(text, 'conduit_db_query_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
    expect(sampleValue(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('reports the job queue by state', async () => {
    const text = await scrape(server);
    for (const state of ['ready', 'scheduled', 'locked', 'dead']) {
      expect(sampleValue(text, 'conduit_job_queue_jobs', { state })).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('GET /metrics protection', () => {
  it('requires the bearer token when METRICS_TOKEN is set', async () => {
    const server = await startTestServer({ METRICS_TOKEN: 'scrape-token-0123456789' });
    try {
      const refused = await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: 'Bearer wrong-token' } });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { reason: string } }).error.reason).toBe('UNAUTHENTICATED');
      await scrape(server, { authorization: 'Bearer scrape-token-0123456789' });
    } finally {
      await server.close();
    }
  });

  it('is not served in production without a token', async () => {
    const server = await startTestServer({ NODE_ENV: 'production' });
    try {
      expect((await fetch(`${server.baseUrl}/metrics`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('slow request and slow query logs', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SLOW_QUERY_MS: '1', SLOW_REQUEST_MS: '1' });
  });
  afterAll(() => server.close());

  it('logs a slow query with the id of the request that ran it', async () => {
    const response = await fetch(`${server.baseUrl}/readyz`, { headers: { 'x-request-id': 'slow-query-probe' } });
    expect(response.status).toBe(200);
    const line = server.logs.find((entry) => entry.msg === 'slow query' && entry.reqId === 'slow-query-probe');
    expect(line).toMatchObject({ level: 40, sql: expect.any(String) as string, durationMs: expect.any(Number) as number });
  });

  it('logs a slow request with its duration, route and status', async () => {
    await fetch(`${server.baseUrl}/readyz`, { headers: { 'x-request-id': 'slow-request-probe' } });
    // Written from onResponse, after the client already has its answer.
    const line = await eventually(() => server.logs.find((entry) => entry.msg === 'slow request' && entry.reqId === 'slow-request-probe'), 5_000);
    expect(line).toMatchObject({ route: '/readyz', statusCode: 200, durationMs: expect.any(Number) as number });
  });

  it('logs a slow query of a tRPC mutation (body parsed) with its request id', async () => {
    await registerAccount(server);
    const registerRequest = server.logs.find((entry) => entry.msg === 'incoming request' && String((entry.req as { url?: string } | undefined)?.url).includes('auth.register'));
    const slowQuery = server.logs.find((entry) => entry.msg === 'slow query' && entry.reqId === registerRequest?.reqId);
    expect(slowQuery).toBeDefined();
  });
});

describe('subscriptions open gauge', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('counts an SSE subscription while it is open and not after it closes', async () => {
    const gauge = async () => sampleValue(await scrape(server), 'conduit_subscriptions_open');
    expect(await gauge()).toBe(0);
    const stream = collect((handlers) => createSseClient(server.baseUrl).articles.onPublished.subscribe(undefined, handlers));
    await stream.started;
    await eventually(async () => ((await gauge()) === 1 ? true : undefined), 5_000, 'the gauge to show 1 open subscription');
    stream.unsubscribe();
    await eventually(async () => ((await gauge()) === 0 ? true : undefined), 5_000, 'the gauge to go back to 0');
  });
});
