/**
 * `GET /metrics` in the Prometheus text format. With METRICS_TOKEN set, scrapers must send
 * `Authorization: Bearer <token>`; without it the route is open in development and test and
 * not served at all in production (see docs/decisions/0070-metrics-protection.md).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import type { FastifyInstance } from 'fastify';

import type { Config } from '../config.ts';
import { sendErrorContract } from '../http/error-handler.ts';
import { AppError } from '../lib/errors.ts';
import { describeError } from '../trpc/error-contract.ts';
import type { AppMetrics } from './metrics.ts';

/** @example registerMetricsRoute(app, { config, metrics }); */
export function registerMetricsRoute(
  app: FastifyInstance,
  deps: { config: Pick<Config, 'METRICS_TOKEN' | 'NODE_ENV'>; metrics: AppMetrics },
): void {
  const { METRICS_TOKEN: token, NODE_ENV: environment } = deps.config;
  if (!token && environment === 'production') {
    app.log.warn('GET /metrics is not served: set METRICS_TOKEN to enable it in production');
    return;
  }
  app.get('/metrics', async (request, reply) => {
    if (token && !isBearer(request.headers.authorization, token)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      return sendErrorContract(request, reply, describeError(new AppError('UNAUTHENTICATED', 'A valid metrics token is required')));
    }
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
}

function isBearer(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
  // Hashing first gives equal lengths, which timingSafeEqual requires.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(token));
}
