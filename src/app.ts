/**
 * Builds the HTTP application from explicit dependencies. It does not listen, open the database
 * or read the environment: `server.ts` does that, and tests build as many apps as they like.
 */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import { getTRPCErrorFromUnknown } from '@trpc/server';
import type { FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';

import { createLoginThrottle } from './features/auth/login-throttle.ts';
import { createLucia } from './features/auth/lucia.ts';
import { registerBenchRoutes } from './features/bench/bench.routes.ts';
import { registerHealthRoutes } from './features/health/health.routes.ts';
import { createClientErrorHandler } from './http/client-error-handler.ts';
import { installErrorHandlers } from './http/error-handler.ts';
import { registerExamplePage } from './http/example-page.ts';
import { requestIdFor, requestIdHeader } from './http/request-id.ts';
import { installHttpObservability } from './observability/http-observability.ts';
import { observeJobs } from './observability/job-metrics.ts';
import { registerLoadShedding } from './observability/load-shedding.ts';
import { registerMetricsRoute } from './observability/metrics.routes.ts';
import { observeSubscriptions } from './observability/metrics.ts';
import { countProcedureError, retryAfterFor } from './observability/trpc-observability.ts';
import { registerDevMailboxRoutes } from './jobs/dev-mailbox.routes.ts';
// REST (RealWorld) API and its documentation
import { registerApiDocs } from './rest/api-docs.ts';
import { restApi } from './rest/rest-api.ts';
import { withRestCors } from './rest/rest-cors.ts';
import { createContextFactory, type AppDeps } from './trpc/context.ts';
import { describeError } from './trpc/error-contract.ts';
import { fastifyTRPCFastPlugin } from './trpc/fastify-trpc-plugin.ts';
import { appRouter, type AppRouter } from './trpc/router.ts';
import { registerWebSocketRoute } from './realtime/websocket-route.ts';

/**
 * @example
 * const app = await buildApp({ config, db, logger });
 * await app.listen({ port: config.PORT, host: config.HOST });
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  // Upcast to Fastify's logger interface so the instance keeps its default generic types.
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    genReqId: requestIdFor,
    logController: new LogController({ requestIdLogLabel: 'reqId' }),
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Keep-alive sockets would otherwise hold `close()` open until they time out.
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 5_000 },
    // Client IP: X-Forwarded-For is believed only from these proxies (empty: the socket address).
    trustProxy: config.TRUSTED_PROXIES.length > 0 ? config.TRUSTED_PROXIES : false,
    // Security: what Node's HTTP parser refuses (e.g. a URL over 16 KiB → 431) gets the error contract too.
    clientErrorHandler: createClientErrorHandler(loggerInstance),
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header(requestIdHeader, request.id);
  });
  // Operability (faults): load shedding first, so a shed request costs as little as possible.
  await registerLoadShedding(app, deps);
  installHttpObservability(app, deps);

  // Graceful shutdown: answers still in flight once close() has begun carry `Connection: close`,
  // so keep-alive clients do not reuse a socket that is about to go away (and the socket closes
  // as soon as the answer is sent instead of holding the shutdown open).
  let isClosing = false;
  app.addHook('preClose', (done) => {
    isClosing = true;
    done();
  });
  app.addHook('onSend', async (_request, reply) => {
    if (isClosing) reply.header('connection', 'close');
  });

  await app.register(helmet);
  await app.register(cors, {
    // /api (token-only REST) is open to any origin: see src/rest/rest-cors.ts.
    delegator: withRestCors({
      // Only allow-listed origins get CORS headers; credentials (cookies) are allowed for them alone.
      origin: config.CORS_ORIGINS,
      credentials: true,
      exposedHeaders: [requestIdHeader],
    }),
  });

  installErrorHandlers(app);
  registerHealthRoutes(app, deps);
  registerMetricsRoute(app, deps);
  observeJobs(deps.metrics, { db: deps.db, events: deps.jobs?.events });
  observeSubscriptions(deps.metrics, deps.subscriptions);
  // The built page at /example (only when client-example/dist/web exists).
  await registerExamplePage(app, config.EXAMPLE_PAGE_DIR);
  // The development mailbox (not in production), and the worker stops with the app.
  registerDevMailboxRoutes(app, deps);
  const { jobs } = deps;
  if (jobs) app.addHook('onClose', () => jobs.stop());

  // A caller that brings no login throttle gets one for this app.
  const loginThrottle = deps.loginThrottle ?? createLoginThrottle(config, deps.logger);
  if (!deps.loginThrottle) app.addHook('onClose', () => loginThrottle.close());

  // One lucia for both surfaces: /trpc, /api and WebSocket resolve sessions the same way.
  const lucia = createLucia(deps.db, config);
  const createContext = createContextFactory({ ...deps, loginThrottle }, lucia);

  // Benchmark suite: baseline routes and server stats, only when BENCH_BASELINE_ROUTES=true.
  if (config.BENCH_BASELINE_ROUTES) registerBenchRoutes(app, deps);

  // tRPC's Fastify adapter with a fast path for single GET queries (ADR 0061).
  await app.register(fastifyTRPCFastPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext,
      maxBatchSize: config.TRPC_MAX_BATCH_SIZE,
      onError({ error, path, req }) {
        countProcedureError(deps.metrics, path, error, req.log);
        if (isServerFault(error, deps)) {
          req.log.error({ err: error, path }, 'procedure failed');
        }
      },
      // RATE_LIMITED and every 503 say when to come back (`Retry-After`).
      responseMeta: ({ errors }) => retryAfterFor(errors, config),
    },
  } satisfies FastifyTRPCPluginOptions<AppRouter>);

  // REST (RealWorld) API under /api, calling the same procedures, and its documentation at /docs
  await app.register(restApi, { prefix: '/api', deps: { ...deps, loginThrottle }, lucia });
  registerApiDocs(app, deps);

  // The same procedures over WebSocket (subscriptions via wsLink) at /trpc.
  await registerWebSocketRoute(app, {
    router: appRouter,
    createContext,
    subscriptions: deps.subscriptions,
    maxPayloadBytes: config.BODY_LIMIT_BYTES,
    onError: (error) => {
      if (isServerFault(error, deps)) deps.logger.error({ err: error }, 'websocket procedure failed');
    },
  });

  return app;
}

/** A 5xx that is not an expected end of a stream (slow subscriber cut off, instance draining). */
function isServerFault(error: unknown, deps: AppDeps): boolean {
  const { httpStatus, reason } = describeError(getTRPCErrorFromUnknown(error));
  if (httpStatus < 500) return false;
  return reason !== 'SUBSCRIBER_TOO_SLOW' && !deps.subscriptions.shutdownSignal.aborted;
}
