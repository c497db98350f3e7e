/**
 * HTTP-level observability: the request scope (request id for deep log lines), a duration
 * histogram per route pattern and status, and a warning for every request slower than
 * SLOW_REQUEST_MS.
 */
import type { FastifyInstance } from 'fastify';

import type { Config } from '../config.ts';
import type { AppMetrics } from './metrics.ts';
import { installRequestScope } from './request-context.ts';

/** @example installHttpObservability(app, { config, metrics }); */
export function installHttpObservability(
  app: FastifyInstance,
  deps: { config: Pick<Config, 'SLOW_REQUEST_MS'>; metrics: AppMetrics },
): void {
  installRequestScope(app);
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: ids and slugs in URLs would explode cardinality.
    const route = request.routeOptions.url ?? 'unmatched';
    const durationMs = reply.elapsedTime;
    deps.metrics.httpRequestDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      durationMs / 1000,
    );
    if (durationMs >= deps.config.SLOW_REQUEST_MS) {
      request.log.warn({ durationMs: Math.round(durationMs), route, statusCode: reply.statusCode }, 'slow request');
    }
  });
}
