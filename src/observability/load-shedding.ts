/**
 * Load shedding with @fastify/under-pressure: while the sampled event-loop delay, event-loop
 * utilisation, heap or RSS is over its threshold, new requests get 503 UNAVAILABLE with
 * Retry-After before any work is done for them, so the requests already accepted finish in
 * bounded time. The liveness probe and the metrics scrape are never shed: an orchestrator
 * must not restart a process for being busy, and operators need the numbers most then.
 */
import underPressure, { type FastifyUnderPressureOptions } from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { Config } from '../config.ts';
import { errorContractPayload } from '../http/error-handler.ts';
import { AppError } from '../lib/errors.ts';
import { describeError } from '../trpc/error-contract.ts';
import type { AppMetrics } from './metrics.ts';

const neverShed = new Set(['/healthz', '/metrics']);

type LoadSheddingConfig = Pick<
  Config,
  | 'OVERLOAD_MAX_EVENT_LOOP_DELAY_MS'
  | 'OVERLOAD_MAX_EVENT_LOOP_UTILIZATION'
  | 'OVERLOAD_MAX_HEAP_USED_BYTES'
  | 'OVERLOAD_MAX_RSS_BYTES'
  | 'OVERLOAD_SAMPLE_INTERVAL_MS'
  | 'OVERLOAD_MAX_IN_FLIGHT'
  | 'RETRY_AFTER_SECONDS'
>;

/** @example await registerLoadShedding(app, { config, metrics }); */
export async function registerLoadShedding(
  app: FastifyInstance,
  deps: { config: LoadSheddingConfig; metrics: AppMetrics },
): Promise<void> {
  const { config, metrics } = deps;
  const shed = (request: FastifyRequest, reply: FastifyReply, type: string) => {
    // Returning nothing lets the request through.
    if (neverShed.has(request.routeOptions.url ?? '')) return undefined;
    metrics.loadShed.inc({ cause: type });
    request.log.warn({ cause: type }, 'request shed: server overloaded');
    const contract = describeError(new AppError('UNAVAILABLE', 'The server is overloaded; retry shortly'));
    reply.status(contract.httpStatus).header('retry-after', String(config.RETRY_AFTER_SECONDS));
    return errorContractPayload(request, contract);
  };
  const options: FastifyUnderPressureOptions = {
    maxEventLoopDelay: config.OVERLOAD_MAX_EVENT_LOOP_DELAY_MS,
    maxEventLoopUtilization: config.OVERLOAD_MAX_EVENT_LOOP_UTILIZATION,
    maxHeapUsedBytes: config.OVERLOAD_MAX_HEAP_USED_BYTES,
    maxRssBytes: config.OVERLOAD_MAX_RSS_BYTES,
    sampleInterval: config.OVERLOAD_SAMPLE_INTERVAL_MS,
    // Utilisation of the last interval, not since start-up: shedding must stop when load does.
    eventLoopUtilizationMode: 'interval',
    retryAfter: config.RETRY_AFTER_SECONDS,
    // The plugin sends any non-nullish value a pressure handler returns (its README, "Pressure
    // Handler"); its bundled types only admit void, hence the cast.
    pressureHandler: shed as NonNullable<FastifyUnderPressureOptions['pressureHandler']>,
  };
  await app.register(underPressure, options);
  if (config.OVERLOAD_MAX_IN_FLIGHT > 0) capRequestsInFlight(app, config.OVERLOAD_MAX_IN_FLIGHT, shed);
}

/**
 * The thresholds above are sampled, so a burst arriving between two samples is accepted whole
 * and queues (for the pool, for the CPU). A cap on requests in flight bounds that queue at any
 * instant, which is what keeps the latency of accepted requests bounded (Little's law).
 */
function capRequestsInFlight(
  app: FastifyInstance,
  maxInFlight: number,
  shed: (request: FastifyRequest, reply: FastifyReply, type: string) => unknown,
): void {
  let inFlight = 0;
  app.addHook('onRequest', async (request, reply) => {
    if (neverShed.has(request.routeOptions.url ?? '')) return undefined;
    if (inFlight >= maxInFlight) return reply.send(shed(request, reply, 'requestsInFlight'));
    inFlight++;
    // 'close' fires once whether the response finished or the client went away.
    reply.raw.once('close', () => {
      inFlight--;
    });
    return undefined;
  });
}
