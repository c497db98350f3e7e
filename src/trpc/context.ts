/**
 * What every procedure receives. Dependencies are explicit (no module singletons), and the
 * request is described without Fastify types so procedures do not know which transport called.
 */
import type { IncomingHttpHeaders } from 'node:http';

import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';

import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';

/** Long-lived dependencies the app is built from (`buildApp(deps)`). */
export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
}

/** The transport-neutral facts about the caller's request. */
export interface RequestMeta {
  id: string;
  ip: string;
  userAgent: string | undefined;
  headers: IncomingHttpHeaders;
}

export interface Context extends AppDeps {
  request: RequestMeta;
  /** The request-scoped logger: every line carries the request id. */
  log: FastifyBaseLogger;
}

/**
 * Builds the tRPC context factory for the Fastify adapter.
 *
 * @example
 * app.register(fastifyTRPCPlugin, { trpcOptions: { router: appRouter, createContext: createContextFactory(deps) } });
 */
export function createContextFactory(deps: AppDeps) {
  return ({ req }: CreateFastifyContextOptions): Context => ({
    ...deps,
    log: req.log,
    request: { id: req.id, ip: req.ip, userAgent: req.headers['user-agent'], headers: req.headers },
  });
}
