/**
 * Load well beyond what the process can serve: it sheds with 503 UNAVAILABLE + Retry-After
 * (under-pressure on event-loop utilisation, and the cap on requests in flight), keeps latency of the requests it accepts bounded,
 * keeps answering its liveness probe, and its memory levels off instead of growing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import type { CallRecord } from './load-generator.ts';
import { runLoad } from './load-generator.ts';
import { sampleValue } from '../helpers/polling.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

let database: TestDatabase;
let server: ServerProcess;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServerProcess({
    DATABASE_URL: database.url,
    // Low thresholds so a test-sized load is "well beyond capacity" for this process.
    OVERLOAD_MAX_EVENT_LOOP_UTILIZATION: '0.9',
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '100',
    OVERLOAD_SAMPLE_INTERVAL_MS: '100',
    OVERLOAD_MAX_IN_FLIGHT: '40',
    LOG_LEVEL: 'error',
  });
}, 60_000);

afterAll(async () => {
  await server.stop();
  await database.drop();
}, 60_000);

async function residentBytes(): Promise<number> {
  const response = await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: 'Bearer fault-suite-metrics-token' } });
  return sampleValue(await response.text(), 'process_resident_memory_bytes') ?? Number.NaN;
}

async function listArticles(): Promise<CallRecord> {
  const startedAt = performance.now();
  const input = encodeURIComponent(JSON.stringify({ json: { limit: 20 } }));
  try {
    const response = await fetch(`${server.baseUrl}/trpc/articles.list?input=${input}`, { signal: AbortSignal.timeout(15_000) });
    const body = (await response.json()) as { error?: { json?: { data?: { reason?: string } } } };
    const record: CallRecord = {
      requestId: '',
      startedAt,
      endedAt: performance.now(),
      status: response.status,
      ok: response.ok,
      wasAccepted: response.ok,
      retryAfter: response.headers.get('retry-after'),
    };
    const reason = body.error?.json?.data?.reason;
    if (reason) record.reason = reason;
    return record;
  } catch (error) {
    return { requestId: '', startedAt, endedAt: performance.now(), status: 0, ok: false, wasAccepted: false, networkError: (error as Error).name };
  }
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? Number.NaN;

describe('overload', () => {
  it('sheds load with 503 UNAVAILABLE and Retry-After while accepted requests stay fast and memory stays flat', async () => {
    const rssBefore = await residentBytes();
    const load = runLoad(100, listArticles);
    const progress = setInterval(() => {
      const shedSoFar = load.records.filter((r) => r.status === 503).length;
      console.info(`[faults] overload progress: calls=${load.records.length} shed=${shedSoFar}`);
    }, 2_000);
    await load.until((records) => records.filter((r) => r.status === 503).length >= 100, 90_000, '100 shed requests').finally(() => clearInterval(progress));
    const rssDuring = await residentBytes();
    const liveness = await fetch(`${server.baseUrl}/healthz`);
    await load.until((records) => records.length >= 3_000, 90_000, '3,000 calls');
    const records = await load.stop();
    const rssAfter = await residentBytes();

    const accepted = records.filter((r) => r.ok).map((r) => r.endedAt - r.startedAt);
    const shed = records.filter((r) => r.status === 503);
    const other = records.filter((r) => !r.ok && r.status !== 503);
    const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
    console.info(
      `[faults] overload: calls=${records.length} accepted=${accepted.length} shed=${shed.length} otherFailures=${other.length} ` +
        `acceptedP50Ms=${Math.round(percentile(accepted, 0.5))} acceptedP99Ms=${Math.round(percentile(accepted, 0.99))} ` +
        `acceptedMaxMs=${Math.round(Math.max(...accepted))} rssMiB=${mib(rssBefore)}->${mib(rssDuring)}->${mib(rssAfter)} healthz=${liveness.status}`,
    );
    expect(shed.length).toBeGreaterThan(0);
    expect(shed.every((r) => r.reason === 'UNAVAILABLE' && r.retryAfter !== null)).toBe(true);
    expect(other).toEqual([]);
    expect(liveness.status).toBe(200);
    // Bounded, not fast: the load generator shares the machine's cores with the server, so this
    // is a generous ceiling that an unbounded queue (every call accepted) would blow through.
    expect(percentile(accepted, 0.99)).toBeLessThan(10_000);
    expect(rssAfter - rssDuring).toBeLessThan(256 * 2 ** 20);
  }, 240_000);
});
