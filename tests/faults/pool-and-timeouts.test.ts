/**
 * Pool exhaustion and slow queries, provoked for real: a test connection holds an ACCESS
 * EXCLUSIVE lock on `users`, so every login query blocks in PostgreSQL itself.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';

import { createUnbatchedApiClient, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { sampleValue } from '../helpers/polling.ts';

interface Outcome {
  reason: string;
  ms: number;
}

/** Holds `LOCK TABLE users` until `release()`: queries on users wait in PostgreSQL meanwhile. */
async function lockUsers(server: TestServer) {
  const client = new pg.Client({ connectionString: server.database.url });
  // Dropping the test database ends this connection if a failed test never released it.
  client.on('error', () => {});
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
  return {
    release: async () => {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

async function attemptLogin(server: TestServer): Promise<Outcome> {
  const api = createUnbatchedApiClient(server.baseUrl);
  const startedAt = performance.now();
  try {
    await api.auth.login.mutate({ login: 'nobody@example.com', password: 'not-the-password' });
    return { reason: 'OK', ms: performance.now() - startedAt };
  } catch (error) {
    const reason = (error as { data?: { reason?: string } }).data?.reason ?? 'NETWORK';
    return { reason, ms: performance.now() - startedAt };
  }
}

/** Load shedding off: on a busy CI machine it could answer first, and this file is about the pool. */
const poolOnly = { OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0', OVERLOAD_MAX_IN_FLIGHT: '0' };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('pool exhaustion', () => {
  it('queues a burst larger than the pool up to a bound, then answers 503 UNAVAILABLE', async () => {
    server = await startTestServer({
      DB_POOL_MAX: '2',
      DB_POOL_MAX_WAITING: '3',
      DB_CONNECTION_TIMEOUT_MS: '500',
      DB_STATEMENT_TIMEOUT_MS: '20000',
      ...poolOnly,
    });
    const lock = await lockUsers(server);
    const burst = Array.from({ length: 12 }, () => attemptLogin(server!));
    // Two logins hold both connections, blocked on the lock; the rest must be refused.
    const refused = await Promise.all(burst.slice(2));
    await lock.release();
    const all = await Promise.all(burst);
    const unavailable = all.filter((outcome) => outcome.reason === 'UNAVAILABLE');
    const completed = all.filter((outcome) => outcome.reason === 'INVALID_CREDENTIALS');
    const slowestRefusalMs = Math.max(...unavailable.map((outcome) => outcome.ms));
    console.info(
      `[faults] pool exhaustion: burst=${all.length} pool=2 queueBound=3 -> completed=${completed.length} ` +
        `unavailable=${unavailable.length} slowestRefusalMs=${Math.round(slowestRefusalMs)}`,
    );
    expect(refused.every((outcome) => outcome.reason === 'UNAVAILABLE' || outcome.reason === 'INVALID_CREDENTIALS')).toBe(true);
    expect(unavailable.length).toBeGreaterThanOrEqual(all.length - 2 - 3);
    expect(completed.length + unavailable.length).toBe(all.length);
    // Every refusal is bounded by the connection timeout (500 ms), never by the 20 s lock wait.
    expect(slowestRefusalMs).toBeLessThan(5_000);
  });
});

describe('statement timeout', () => {
  it('cancels a query over statement_timeout, reports TIMEOUT and keeps the connection healthy', async () => {
    server = await startTestServer({ DB_POOL_MAX: '1', DB_STATEMENT_TIMEOUT_MS: '300', ...poolOnly });
    const lock = await lockUsers(server);
    const cancelled = await attemptLogin(server);
    await lock.release();
    const afterwards = await attemptLogin(server);
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    const report = server.logs.find((line) => line.msg === 'statement cancelled by statement_timeout');
    console.info(`[faults] statement timeout: cancelledAfterMs=${Math.round(cancelled.ms)} reason=${cancelled.reason} nextCall=${afterwards.reason}`);
    expect(cancelled.reason).toBe('TIMEOUT');
    expect(report).toMatchObject({ procedure: 'auth.login' });
    expect(sampleValue(metrics, 'conduit_trpc_errors_total', { procedure: 'auth.login', reason: 'TIMEOUT' })).toBe(1);
    // The same single pooled connection served the next call: cancelling did not break it.
    expect(afterwards.reason).toBe('INVALID_CREDENTIALS');
    expect(sampleValue(metrics, 'conduit_db_pool_connections')).toBe(1);
  });
});
