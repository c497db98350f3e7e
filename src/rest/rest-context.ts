/**
 * The tRPC context for a REST request, and a caller over the app router. REST authenticates by
 * `Authorization: Token <token>` alone: the cookie and the Origin header are not handed to
 * procedures, so a browser's session cookie never authorises a REST call (which is why /api
 * may allow any origin in CORS) and the cookie-only CSRF rule does not refuse token clients.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

import { authenticate } from '../features/auth/authenticate.ts';
import type { AppLucia } from '../features/auth/lucia.ts';
import type { Context, createContextFactory, SessionCookieWriter } from '../trpc/context.ts';
import { createCallerFactory } from '../trpc/init.ts';
import { appRouter } from '../trpc/router.ts';

/** REST hands the token over in the body; it never sets or clears a cookie. */
const noSessionCookie: SessionCookieWriter = { issue() {}, clear() {} };

export const createRestCaller = createCallerFactory(appRouter);

/** Exactly what the tRPC context factory is built from, so both surfaces get the same dependencies. */
export type RestDeps = Parameters<typeof createContextFactory>[0];

/**
 * @example
 * const context = await createRestContext(deps, lucia, request, reply);
 * const user = await createRestCaller(context).auth.me();
 */
export async function createRestContext(deps: RestDeps, lucia: AppLucia, request: FastifyRequest, reply: FastifyReply): Promise<Context> {
  const headers = { ...request.headers };
  delete headers.cookie;
  delete headers.origin;
  const auth = await authenticate({ db: deps.db, lucia }, headers);
  return {
    ...deps,
    log: request.log,
    lucia,
    auth,
    sessionCookie: noSessionCookie,
    setResponseHeader: (name, value) => void reply.header(name, value),
    request: { id: request.id, ip: request.ip, userAgent: headers['user-agent'], headers, connectionId: `rest:${request.id}` },
  };
}
