/**
 * SIGTERM while the API is under write load: requests already accepted complete, new
 * connections are refused, and the process exits 0 within SHUTDOWN_TIMEOUT_MS.
 */
import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { callMutation, runLoad } from './load-generator.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

const shutdownTimeoutMs = 10_000;
const runId = randomBytes(3).toString('hex');
let database: TestDatabase;
let server: ServerProcess;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServerProcess({ DATABASE_URL: database.url, SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) });
}, 60_000);

afterAll(async () => {
  await server.stop();
  await database.drop();
}, 60_000);

describe('SIGTERM during load', () => {
  it('finishes accepted requests, refuses new ones and exits 0 in time', async () => {
    const load = runLoad(12, (sequence) =>
      callMutation(server.baseUrl, {
        path: 'auth.register',
        input: { email: `term-${runId}-${sequence}@example.com`, username: `term_${runId}_${sequence}`, password: 'correct-horse-battery' },
      }),
    );
    await load.until((records) => records.filter((r) => r.ok).length >= 24, 30_000, '24 registrations before SIGTERM');

    const signalledAt = performance.now();
    server.child.kill('SIGTERM');
    const exit = await Promise.race([
      server.exited,
      new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('no exit within the bound')), shutdownTimeoutMs + 5_000)),
    ]);
    const exitedAt = performance.now();
    await load.until(
      (records) => records.filter((r) => r.startedAt > exitedAt && r.networkError === 'ECONNREFUSED').length >= 12,
      10_000,
      'connections refused after exit',
    );
    const records = await load.stop();

    // Accepted = the server saw it (its log names the request id) or answered with our headers.
    const seenByServer = new Set(server.logs.filter((line) => line.msg === 'incoming request').map((line) => String(line.reqId)));
    const acceptedThenFailed = records.filter((r) => !r.ok && (r.wasAccepted || seenByServer.has(r.requestId)));
    const refused = records.filter((r) => !r.ok && !r.wasAccepted && !seenByServer.has(r.requestId));
    const inFlightCompleted = records.filter((r) => r.ok && r.startedAt < signalledAt && r.endedAt > signalledAt);
    const acknowledged = records.filter((r) => r.ok).map((r) => (r.data as { user: { id: string } }).user.id);
    const stored = await storedUserIds(database.url, acknowledged);
    const lost = acknowledged.filter((id) => !stored.has(id));

    console.info(
      `[faults] SIGTERM: calls=${records.length} acknowledged=${acknowledged.length} inFlightCompleted=${inFlightCompleted.length} ` +
        `refused=${refused.length} (${summarise(refused.map((r) => r.networkError ?? String(r.status)))}) ` +
        `acceptedThenFailed=${acceptedThenFailed.length} exitCode=${exit.code} exitMs=${Math.round(exitedAt - signalledAt)} lostWrites=${lost.length}`,
    );
    expect(acceptedThenFailed).toEqual([]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitedAt - signalledAt).toBeLessThan(shutdownTimeoutMs + 2_000);
    expect(lost).toEqual([]);
  });
});

function summarise(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => `${value}:${count}`).join(' ');
}

async function storedUserIds(url: string, ids: string[]): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>('SELECT id FROM users WHERE id = ANY($1::uuid[])', [ids]);
    return new Set(rows.map((row) => row.id));
  } finally {
    await client.end();
  }
}
