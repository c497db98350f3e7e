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
  /** Server CPU time (user + system) per answered request, ms. */
  cpuMsPerRequest: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  /** The highest resident set size sampled during the measured run. */
  maxRssMb: number;
  /** Event-loop delay p99 over the measured run (the target is about `watchesEventLoop` scenarios). */
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

  if (settings.warmupSeconds > 0) await fire(settings.warmupSeconds);
  await server.resetStats();
  const cpuBefore = (await server.stats()).cpuMicros;

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
    cpuMsPerRequest: Math.round(((stats.cpuMicros - cpuBefore) / 1000 / Math.max(1, result['2xx'] + result.non2xx)) * 1000) / 1000,
    errors: result.errors + result.non2xx,
    maxRssMb: Math.round(maxRssBytes / 1024 / 1024),
    // Recorded for every scenario, so the login figure can be read against the others.
    eventLoopP99Ms: stats.eventLoopDelay.p99Ms,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * One result from a scenario's rounds: mean throughput, median of each latency percentile,
 * all errors, the highest RSS and event-loop delay seen.
 *
 * @example const result = mergeRounds([round1, round2, round3]);
 */
export function mergeRounds(rounds: ScenarioResult[]): ScenarioResult {
  const [first] = rounds;
  if (!first) throw new Error('mergeRounds needs at least one round');
  const loopDelays = rounds.flatMap((round) => (round.eventLoopP99Ms === undefined ? [] : [round.eventLoopP99Ms]));
  return {
    ...first,
    requestsPerSecond: Math.round((rounds.reduce((sum, round) => sum + round.requestsPerSecond, 0) / rounds.length) * 10) / 10,
    latencyMs: {
      p50: median(rounds.map((round) => round.latencyMs.p50)),
      p90: median(rounds.map((round) => round.latencyMs.p90)),
      p99: median(rounds.map((round) => round.latencyMs.p99)),
    },
    cpuMsPerRequest: median(rounds.map((round) => round.cpuMsPerRequest)),
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
    maxRssMb: Math.max(...rounds.map((round) => round.maxRssMb)),
    eventLoopP99Ms: loopDelays.length > 0 ? Math.max(...loopDelays) : undefined,
  };
}
