/**
 * The request an asynchronous chain is serving, so code far from the HTTP layer (the Kysely
 * query log) can log with the request id without every function passing a logger along.
 * AsyncLocalStorage is per async chain, not shared state: one instance per process is correct.
 */
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';

import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';

export interface RequestScope {
  requestId: string;
  /** The request's logger: its lines carry `reqId`. */
  log: FastifyBaseLogger;
}

const storage = new AsyncLocalStorage<RequestScope>();
const scopeResources = new WeakMap<FastifyRequest, AsyncResource>();

/** @example currentRequestScope()?.log.warn('slow query') // a line carrying the request id */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/**
 * Enters the request's scope in `onRequest` and re-enters it in `preValidation`: Fastify runs
 * body parsing from the socket's 'end' event, which would otherwise lose the scope (the same
 * approach as @fastify/request-context).
 */
export function installRequestScope(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    storage.run({ requestId: request.id, log: request.log }, () => {
      const resource = new AsyncResource('conduit-request');
      scopeResources.set(request, resource);
      resource.runInAsyncScope(done);
    });
  });
  app.addHook('preValidation', (request, _reply, done) => {
    const resource = scopeResources.get(request);
    if (resource) resource.runInAsyncScope(done);
    else done();
  });
}
