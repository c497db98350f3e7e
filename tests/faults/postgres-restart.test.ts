/**
 * PostgreSQL stops and starts again under write load (articles.create and comments.add, each
 * with an Idempotency-Key, a failed call retried with the same key the way a client should).
 * The test owns its database server (an embedded PostgreSQL) so it can restart it, and runs the
 * API as a real child process.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmbeddedPostgres, type RunningPostgres } from '../../src/db/embedded-postgres.ts';
import { createDatabaseIfMissing } from '../../src/db/postgres-admin.ts';
import { callMutation, runLoad, type CallRecord } from './load-generator.ts';
import { eventually } from '../helpers/polling.ts';
import { findFreePort } from '../helpers/free-port.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

const connectionTimeoutMs = 1_000;
const runId = randomBytes(3).toString('hex');
const dataDir = path.join(tmpdir(), `conduit-faults-pg-${runId}`);
let port: number;
let postgres: RunningPostgres | undefined;
let server: ServerProcess | undefined;

const startPostgres = async () =>
  startEmbeddedPostgres({ dataDir, port, persistent: true, logger: pino({ level: 'silent' }) });

beforeAll(async () => {
  port = await findFreePort();
  postgres = await startPostgres();
  await createDatabaseIfMissing(postgres.adminUrl, 'conduit_faults');
  server = await startServerProcess({
    DATABASE_URL: postgres.urlFor('conduit_faults'),
    DB_POOL_MAX: '10',
    DB_CONNECTION_TIMEOUT_MS: String(connectionTimeoutMs),
    DB_STATEMENT_TIMEOUT_MS: '5000',
    SEED_DEMO_DATA: 'false',
  });
  const author = await callMutation(server.baseUrl, {
    path: 'auth.register',
    input: { email: `pg-${runId}@example.com`, username: `pg_${runId}`, password: 'correct-horse-battery' },
  });
  authorization = { authorization: `Bearer ${(author.data as { token: string }).token}` };
  const seed = await callMutation(server.baseUrl, {
    path: 'articles.create',
    input: { title: `Seed ${runId}`, description: 'seed', body: 'seed', tagList: [] },
    headers: authorization,
  });
  seedSlug = (seed.data as { slug: string }).slug;
}, 120_000);

afterAll(async () => {
  if (server?.child.exitCode !== null) {
    console.info('[faults] server exited early', server?.stderr().slice(0, 3_000), JSON.stringify(server?.logs.filter((l) => Number(l.level) >= 50 && !l.reqId).map((l) => [l.msg, (l.err as { stack?: string } | undefined)?.stack])));
  }
  await server?.stop();
  await postgres?.stop();
  await rm(dataDir, { recursive: true, force: true });
}, 60_000);

let authorization: Record<string, string>;
let seedSlug: string;
/** Keys whose last attempt failed: the next call retries one of them before starting a new one. */
const pendingKeys: string[] = [];

/** Article n is titled `pg-<run>-n`, comment n's body is `pg-<run>-n`: one row per key, always. */
function writeCall(key: string) {
  const [kind, n] = key.split(':') as [string, string];
  const marker = `pg-${runId}-${n}`;
  return kind === 'article'
    ? { path: 'articles.create', input: { title: marker, description: 'restart', body: 'restart', tagList: [], idempotencyKey: `${runId}-${key}` } }
    : { path: 'comments.add', input: { slug: seedSlug, body: marker, idempotencyKey: `${runId}-${key}` } };
}

async function write(sequence: number): Promise<CallRecord & { key: string }> {
  const key = pendingKeys.shift() ?? `${sequence % 2 === 0 ? 'article' : 'comment'}:${sequence}`;
  const record = await callMutation(server!.baseUrl, { ...writeCall(key), headers: authorization });
  if (!record.ok) pendingKeys.push(key);
  return { ...record, key };
}

const readyStatus = async () => (await fetch(`${server!.baseUrl}/readyz`, { signal: AbortSignal.timeout(10_000) })).status;

describe('PostgreSQL restart under load', () => {
  it('fails fast with 503 UNAVAILABLE during the outage, recovers by itself, and loses no acknowledged write', async () => {
    const load = runLoad(8, write);
    await load.until((records) => records.filter((r) => r.ok).length >= 30, 30_000, '30 writes before the outage');

    const outageStartedAt = performance.now();
    await postgres!.stop();
    const failuresBefore = load.records.filter((r) => !r.ok).length;
    await load.until((records) => records.filter((r) => !r.ok).length >= failuresBefore + 24, 20_000, '24 failed calls during the outage');
    const readyDuringOutage = await eventually(async () => ((await readyStatus()) === 503 ? 503 : undefined), 10_000, '/readyz 503');

    postgres = await startPostgres();
    const restartedAt = performance.now();
    // Recovery: 40 consecutive successes, all started after the database came back.
    await load.until((records) => {
      const after = records.filter((r) => r.startedAt > restartedAt);
      return after.length >= 40 && after.slice(-40).every((r) => r.ok);
    }, 30_000, '40 consecutive successes after the restart');
    const records = await load.stop();
    const readyAfter = await readyStatus();

    const failures = records.filter((r) => !r.ok);
    const lastFailureEnd = Math.max(...failures.map((r) => r.endedAt));
    const recoveryMs = Math.max(0, lastFailureEnd - restartedAt);
    const slowestFailureMs = Math.max(...failures.map((r) => r.endedAt - r.startedAt));
    const slowestSuccessMs = Math.max(...records.filter((r) => r.ok).map((r) => r.endedAt - r.startedAt));
    const acknowledged = records.filter((r) => r.ok);
    // Clients retry what failed: finish the keys still pending, now that the database is back.
    const retriedAfterLoad = pendingKeys.length;
    while (pendingKeys.length > 0) expect((await write(0)).ok).toBe(true);
    const attemptedKeys = new Set(records.map((r) => (r as CallRecord & { key: string }).key));
    const stored = await storedWrites(postgres.urlFor('conduit_faults'));
    const lost = [...attemptedKeys].filter((key) => !stored.has(markerOf(key)));
    const duplicated = [...stored.values()].filter((count) => count > 1).length;
    console.info(
      `[faults] postgres restart: calls=${records.length} acknowledged=${acknowledged.length} outageErrors=${failures.length} ` +
        `(all 503 UNAVAILABLE: ${failures.every(isUnavailable)}) slowestFailureMs=${Math.round(slowestFailureMs)} ` +
        `slowestSuccessMs=${Math.round(slowestSuccessMs)} ` +
        `outageMs=${Math.round(restartedAt - outageStartedAt)} recoveryMs=${Math.round(recoveryMs)} ` +
        `readyz=${readyDuringOutage}->${readyAfter} keysWritten=${attemptedKeys.size} retriedAfterLoad=${retriedAfterLoad} ` +
        `lostWrites=${lost.length} duplicates=${duplicated}`,
    );
    for (const odd of failures.filter((r) => !isUnavailable(r))) {
      console.info('[faults] unexpected failure', JSON.stringify(server!.logs.filter((line) => line.reqId === odd.requestId)));
    }
    expect(failures.filter((r) => !isUnavailable(r)), 'every failure is 503 UNAVAILABLE with Retry-After').toEqual([]);
    // "Fails fast": a failing call takes no longer than a normal one (password hashing included)
    // plus the connection timeout; nothing waits for the database to come back.
    expect(slowestFailureMs).toBeLessThan(slowestSuccessMs + connectionTimeoutMs + 2_000);
    expect(server!.child.exitCode, 'the server survived the outage').toBeNull();
    expect(readyDuringOutage).toBe(503);
    expect(readyAfter).toBe(200);
    expect(recoveryMs).toBeLessThan(5_000);
    expect(lost).toEqual([]);
    expect(duplicated).toBe(0);
  });
});

function isUnavailable(record: CallRecord): boolean {
  return record.status === 503 && record.reason === 'UNAVAILABLE' && record.retryAfter !== null;
}

const markerOf = (key: string) => `${key.split(':')[0] ?? ''}:pg-${runId}-${key.split(':')[1] ?? ''}`;

/** How many rows each of this run's markers has, as `article:<title>` / `comment:<body>`. */
async function storedWrites(url: string): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ marker: string; copies: number }>(
      `SELECT 'article:' || title AS marker, count(*)::int AS copies FROM articles WHERE title LIKE $1 GROUP BY title
       UNION ALL
       SELECT 'comment:' || body, count(*)::int FROM comments WHERE body LIKE $1 GROUP BY body`,
      [`pg-${runId}-%`],
    );
    return new Map(rows.map((row) => [row.marker, row.copies]));
  } finally {
    await client.end();
  }
}
