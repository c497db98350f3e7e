/**
 * Routes only the benchmark suite uses (BENCH_BASELINE_ROUTES=true, never on by default): the
 * raw-Fastify baselines that tRPC and REST are measured against in the same process, and the
 * server's own view of its memory and event-loop delay while load runs.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

import type { FastifyInstance } from 'fastify';

import type { AppDeps } from '../../trpc/context.ts';
import { getArticleBySlug, listArticles } from '../articles/article-queries.ts';

/** What `GET /bench/stats` answers; milliseconds for delays, bytes for memory. */
export interface ServerStats {
  /** CPU time this process has used (user + system), µs: per-request cost that load elsewhere does not inflate as much as latency. */
  cpuMicros: number;
  rssBytes: number;
  heapUsedBytes: number;
  eventLoopDelay: { p50Ms: number; p99Ms: number; maxMs: number; meanMs: number };
}

// 5 ms sampling: fine enough to tell a 20 ms stall from noise, cheap enough not to perturb load.
const eventLoopResolutionMs = 5;

/**
 * Registers `/bench/*`. `deps` is the app's dependencies: baselines run the very query
 * functions the procedures run, on the same pool.
 *
 * @example
 * if (config.BENCH_BASELINE_ROUTES) registerBenchRoutes(app, deps);
 * // GET /bench/raw/noop → {"ok":true}; GET /bench/stats → ServerStats
 */
export function registerBenchRoutes(app: FastifyInstance, deps: AppDeps): void {
  const delay = monitorEventLoopDelay({ resolution: eventLoopResolutionMs });
  delay.enable();
  app.addHook('onClose', (_instance, done) => {
    delay.disable();
    done();
  });

  const nsToMs = (value: number) => Math.round((value / 1e6) * 100) / 100;

  app.get('/bench/stats', (): ServerStats => {
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    return {
      cpuMicros: cpu.user + cpu.system,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      eventLoopDelay: {
        p50Ms: nsToMs(delay.percentile(50)),
        p99Ms: nsToMs(delay.percentile(99)),
        maxMs: nsToMs(delay.max),
        meanMs: nsToMs(delay.mean),
      },
    };
  });

  // The load generator resets the histogram after warm-up, so a scenario's numbers are its own.
  app.post('/bench/stats/reset', () => {
    delay.reset();
    return { ok: true };
  });

  // The floor of the stack: Fastify, its hooks (helmet, CORS, request id) and nothing else.
  app.get('/bench/raw/noop', () => ({ ok: true }));

  // The same query functions `articles.list` and `articles.bySlug` call, anonymous, answered
  // with Fastify's plain JSON.stringify: no tRPC, no superjson, no zod. The query string is
  // read by hand (one integer) so no validation library enters the baseline either.
  app.get<{ Querystring: { limit?: string } }>('/bench/raw/articles', (request) => {
    const limit = Math.min(100, Math.max(1, Number.parseInt(request.query.limit ?? '20', 10) || 20));
    return listArticles(deps, { limit, withCount: false }, null);
  });

  app.get<{ Params: { slug: string } }>('/bench/raw/articles/:slug', (request) => getArticleBySlug(deps, request.params.slug, null));
}
