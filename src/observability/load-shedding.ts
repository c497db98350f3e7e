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

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route's requests stay open for as long as the client listens (the WebSocket upgrade):
     * they are not counted in flight, the subscription limits cap them instead.
     */
    isLongLived?: boolean;
  }
}

/**
 * The thresholds above are sampled, so a burst arriving between two samples is accepted whole
 * and queues (for the pool, for the CPU). A cap on requests in flight bounds that queue at any
 * instant, which is what keeps the latency of accepted requests bounded (Little's law).
 *
 * Streams are not that queue: an SSE stream gives its slot back once it starts streaming, and
 * WebSocket upgrades never take one, or a thousand idle listeners would shed every other request.
 */
function capRequestsInFlight(
  app: FastifyInstance,
  maxInFlight: number,
  shed: (request: FastifyRequest, reply: FastifyReply, type: string) => unknown,
): void {
  let inFlight = 0;
  const slots = new WeakMap<FastifyRequest, () => void>();
  app.addHook('onRequest', async (request, reply) => {
    if (neverShed.has(request.routeOptions.url ?? '') || request.routeOptions.config.isLongLived) return undefined;
    if (inFlight >= maxInFlight) return reply.send(shed(request, reply, 'requestsInFlight'));
    inFlight++;
    let isReleased = false;
    const release = () => {
      if (isReleased) return;
      isReleased = true;
      inFlight--;
    };
    // 'close' fires once whether the response finished or the client went away.
    reply.raw.once('close', release);
    slots.set(request, release);
    return undefined;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (isEventStream(reply, payload)) slots.get(request)?.();
    return payload;
  });
}

/** Whether the answer is an SSE stream; its set-up (authentication, limits) is done by now. */
function isEventStream(reply: FastifyReply, payload: unknown): boolean {
  // tRPC answers with a fetch Response, whose headers Fastify copies onto the reply after onSend.
  const contentType = payload instanceof Response ? payload.headers.get('content-type') : reply.getHeader('content-type');
  return typeof contentType === 'string' && contentType.startsWith('text/event-stream');
}
