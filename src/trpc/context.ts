/**
 * What every procedure receives. Dependencies are explicit (no module singletons), and the
 * request is described without Fastify types so procedures do not know which transport called.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';

import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { authenticate, type Authentication } from '../features/auth/authenticate.ts';
import { isTrustedOrigin } from '../features/auth/csrf.ts';
import type { AppLucia } from '../features/auth/lucia.ts';
import type { RateLimits } from '../rate-limit/rate-limits.ts';
import type { EventBus } from '../realtime/event-bus.ts';
import type { SubscriptionHub } from '../realtime/subscription-hub.ts';
import type { LoginThrottle } from '../features/auth/login-throttle.ts';
import type { AppMetrics } from '../observability/metrics.ts';
import type { JobRunner } from '../jobs/job-runner.ts';

/** Long-lived dependencies the app is built from (`buildApp(deps)`). */
export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  // The replica for anonymous queries (the primary when
  // DATABASE_READ_URL is unset), the event bus, open-stream bookkeeping, rate-limit policies.
  readDb: Database;
  bus: EventBus;
  subscriptions: SubscriptionHub;
  rateLimits: RateLimits;
  /** Prometheus registry and instruments (src/observability/metrics.ts). */
  metrics: AppMetrics;
  /** The in-process job worker (JOBS_IN_PROCESS); the app stops it on close. */
  jobs?: JobRunner | undefined;
  // Failed sign-ins per account and per IP (Redis or memory); when
  // absent, buildApp makes one from the config.
  loginThrottle?: LoginThrottle | undefined;
}

/** The transport-neutral facts about the caller's request. */
export interface RequestMeta {
  id: string;
  ip: string;
  userAgent: string | undefined;
  headers: IncomingHttpHeaders;
  /** The HTTP request, or the WebSocket connection, this call travels on (subscription limits). */
  connectionId: string;
}

/** How a procedure hands a session to the caller; the transport decides the mechanics (cookie). */
export interface SessionCookieWriter {
  issue(token: string): void;
  clear(): void;
}

export interface Context extends AppDeps {
  loginThrottle: LoginThrottle;
  request: RequestMeta;
  /** The request-scoped logger: every line carries the request id. */
  log: FastifyBaseLogger;
  lucia: AppLucia;
  /** Who is calling, resolved once per HTTP request (and per call on a WebSocket); null when anonymous. */
  auth: Authentication | null;
  /**
   * Set where one context serves many calls (a WebSocket connection): resolves the caller again,
   * so each call sees its credential as it is now, not as it was at connect time.
   */
  reauthenticate?: (() => Promise<Authentication | null>) | undefined;
  sessionCookie: SessionCookieWriter;
  /** Sets a response header (rate-limit headers); a no-op on WebSocket connections. */
  setResponseHeader(name: string, value: string): void;
}

/** What the WebSocket route hands the factory: the upgrade request (a FastifyRequest) and the socket. */
export interface WebSocketContextOptions {
  req: CreateFastifyContextOptions['req'];
  res: WebSocket;
  info: CreateFastifyContextOptions['info'];
  /** The server-generated identity of this socket (subscription limits, send backlog). */
  connectionId: string;
}

/**
 * Builds the tRPC context factory for the Fastify adapter.
 *
 * @example
 * app.register(fastifyTRPCPlugin, { trpcOptions: { router: appRouter, createContext: createContextFactory(deps, lucia) } });
 */
export function createContextFactory(deps: AppDeps & { loginThrottle: LoginThrottle }, lucia: AppLucia) {
  return async (options: CreateFastifyContextOptions | WebSocketContextOptions): Promise<Context> => {
    const { req, res, info } = options;
    // WebSocket connections have no response to put headers or cookies on; browsers cannot set
    // headers on them either, so a token may come in tRPC's `connectionParams` instead.
    const reply = 'header' in res ? res : undefined;
    const sessionCookie: SessionCookieWriter = {
      issue: (token) => void reply?.header('set-cookie', lucia.createSessionCookie(token).serialize()),
      clear: () => void reply?.header('set-cookie', lucia.createBlankSessionCookie().serialize()),
    };
    const headers = reply ? req.headers : webSocketHeaders(req.headers, info.connectionParams?.token, deps.config.CORS_ORIGINS);
    const authenticateCaller = () => authenticate({ db: deps.db, lucia }, headers);
    const auth = await authenticateCaller();
    // lucia extended the session (sliding expiry): refresh the cookie's expiry too.
    if (auth?.via === 'cookie' && auth.session?.fresh) sessionCookie.issue(auth.token);
    return {
      ...deps,
      log: req.log,
      lucia,
      auth,
      // tRPC builds a WebSocket's context once; see websocket-reauthentication.ts.
      reauthenticate: reply ? undefined : authenticateCaller,
      sessionCookie,
      setResponseHeader: (name, value) => void reply?.header(name, value),
      request: {
        id: req.id,
        ip: req.ip,
        userAgent: req.headers['user-agent'],
        headers,
        // Never the request id: a client may choose that (x-request-id), and two streams sharing
        // one identity would share, and so escape, the per-connection and per-user limits.
        connectionId: 'connectionId' in options ? options.connectionId : `http:${randomUUID()}`,
      },
    };
  };
}

/**
 * The headers a WebSocket's calls are authenticated from. CORS does not apply to WebSocket
 * upgrades and SameSite=Lax still sends the cookie from same-site pages, so a session cookie
 * counts only when the upgrade's Origin is trusted (cross-site WebSocket hijacking); a token in
 * `connectionParams` is never sent by a browser on its own and counts from anywhere.
 */
function webSocketHeaders(headers: IncomingHttpHeaders, paramToken: string | undefined, allowedOrigins: readonly string[]): IncomingHttpHeaders {
  if (paramToken) return { ...headers, authorization: `Bearer ${paramToken}` };
  if (isTrustedOrigin(headers, allowedOrigins)) return headers;
  const withoutCookie = { ...headers };
  delete withoutCookie.cookie;
  return withoutCookie;
}
