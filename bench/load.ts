/**
 * Drives one scenario with autocannon over loopback: a warm-up run whose numbers are thrown
 * away (JIT, pool, caches), then the measured run while the server's RSS is sampled.
 */
import autocannon from 'autocannon';

import type { BenchFixtures, Scenario } from './scenarios.ts';
import type { ServerUnderTest } from './server-process.ts';

export interface LoadSettings {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
}

export interface ScenarioResult {
  id: string;
  label: string;
  kind: Scenario['kind'];
  baselineId: string | undefined;
  articles: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number };
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  /** The highest resident set size sampled during the measured run. */
  maxRssMb: number;
  /** Event-loop delay p99 over the measured run (only for scenarios that watch it). */
  eventLoopP99Ms: number | undefined;
}

const rssSampleIntervalMs = 250;

/**
 * The first request of a scenario, sent once with fetch: a 404 means the procedure or route
 * does not exist on this build (the scenario is skipped and reported as such).
 */
export async function probeScenario(server: ServerUnderTest, scenario: Scenario, fixtures: BenchFixtures): Promise<'ok' | 'missing'> {
  const [first] = scenario.requests(fixtures);
  if (!first) return 'missing';
  const request = first.setupRequest ? (first.setupRequest as (r: autocannon.Request, c: object) => autocannon.Request)({ ...first }, {}) : first;
  if (!request.path) return 'missing';
  const response = await fetch(`${server.baseUrl}${request.path}`, {
    method: request.method ?? 'GET',
    // Scenarios build headers as string records and bodies as strings (scenarios.ts).
    headers: request.headers as Record<string, string>,
    ...(request.body !== undefined && { body: request.body as string }),
  });
  await response.arrayBuffer();
  if (response.status === 404) return 'missing';
  if (!response.ok) throw new Error(`${scenario.id}: probe answered ${response.status}`);
  return 'ok';
}

/**
 * @example
 * const result = await runScenario(server, scenario, fixtures, { durationSeconds: 10, warmupSeconds: 3, connections: 10 }, 10_000);
 */
export async function runScenario(
  server: ServerUnderTest,
  scenario: Scenario,
  fixtures: BenchFixtures,
  settings: LoadSettings,
  articles: number,
): Promise<ScenarioResult> {
  const fire = (durationSeconds: number) =>
    autocannon({
      url: server.baseUrl,
      connections: settings.connections,
      duration: durationSeconds,
      pipelining: 1,
      timeout: 10,
      requests: scenario.requests(fixtures),
    });

  await fire(settings.warmupSeconds);
  await server.resetStats();

  let maxRssBytes = 0;
  const sampleRss = async () => {
    const stats = await server.stats();
    maxRssBytes = Math.max(maxRssBytes, stats.rssBytes);
  };
  const sampler = setInterval(() => void sampleRss().catch(() => {}), rssSampleIntervalMs);
  let result: autocannon.Result;
  try {
    result = await fire(settings.durationSeconds);
  } finally {
    clearInterval(sampler);
  }
  const stats = await server.stats();
  maxRssBytes = Math.max(maxRssBytes, stats.rssBytes);

  return {
    id: scenario.id,
    label: scenario.label,
    kind: scenario.kind,
    baselineId: scenario.baselineId,
    articles,
    // Completed 2xx answers over the measured time: errors do not count as throughput.
    requestsPerSecond: Math.round((result['2xx'] / result.duration) * 10) / 10,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99 },
    errors: result.errors + result.non2xx,
    maxRssMb: Math.round(maxRssBytes / 1024 / 1024),
    eventLoopP99Ms: scenario.watchesEventLoop ? stats.eventLoopDelay.p99Ms : undefined,
  };
}
