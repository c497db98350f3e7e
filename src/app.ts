/**
 * Builds the HTTP application from explicit dependencies. It does not listen, open the database
 * or read the environment: `server.ts` does that, and tests build as many apps as they like.
 */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';

import { createLucia } from './features/auth/lucia.ts';
import { registerHealthRoutes } from './features/health/health.routes.ts';
import { installErrorHandlers } from './http/error-handler.ts';
import { requestIdFor, requestIdHeader } from './http/request-id.ts';
import { installHttpObservability } from './observability/http-observability.ts';
import { observeJobs } from './observability/job-metrics.ts';
import { registerLoadShedding } from './observability/load-shedding.ts';
import { registerMetricsRoute } from './observability/metrics.routes.ts';
import { countProcedureError, retryAfterFor } from './observability/trpc-observability.ts';
import { registerDevMailboxRoutes } from './jobs/dev-mailbox.routes.ts';
import { createContextFactory, type AppDeps } from './trpc/context.ts';
import { describeError } from './trpc/error-contract.ts';
import { appRouter, type AppRouter } from './trpc/router.ts';

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
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header(requestIdHeader, request.id);
  });
  // Operability (faults): load shedding first, so a shed request costs as little as possible.
  await registerLoadShedding(app, deps);
  installHttpObservability(app, deps);

  await app.register(helmet);
  await app.register(cors, {
    // Only allow-listed origins get CORS headers; credentials (cookies) are allowed for them alone.
    origin: config.CORS_ORIGINS,
    credentials: true,
    exposedHeaders: [requestIdHeader],
  });

  installErrorHandlers(app);
  registerHealthRoutes(app, deps.db);
  registerMetricsRoute(app, deps);
  observeJobs(deps.metrics, { db: deps.db, events: deps.jobs?.events });
  // Jobs and email: the development mailbox (not in production), and the worker stops with the app.
  registerDevMailboxRoutes(app, config);
  const { jobs } = deps;
  if (jobs) app.addHook('onClose', () => jobs.stop());

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: createContextFactory(deps, createLucia(deps.db, config)),
      maxBatchSize: config.TRPC_MAX_BATCH_SIZE,
      onError({ error, path, req }) {
        countProcedureError(deps.metrics, path, error, req.log);
        if (describeError(error).httpStatus >= 500) {
          req.log.error({ err: error, path }, 'procedure failed');
        }
      },
      responseMeta: ({ errors }) => retryAfterFor(errors, config),
    },
  } satisfies FastifyTRPCPluginOptions<AppRouter>);

  return app;
}
