/**
 * The RealWorld REST API under /api: one Fastify route per operation, each calling its tRPC
 * procedure through a caller (see rest-operation.ts), plus the generated OpenAPI document.
 * Failures of any kind, including Fastify's own (bad JSON, oversized body) and unknown routes,
 * answer in the RealWorld error body.
 */
import type { FastifyError, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';

import type { AppLucia } from '../features/auth/lucia.ts';
import { reasonForFastifyError } from '../http/error-handler.ts';
import { AppError } from '../lib/errors.ts';
import { rateLimitRoute } from '../rate-limit/rate-limit-routes.ts';
import { buildOpenApiDocument } from './openapi-document.ts';
import { createRestCaller, createRestContext, type RestDeps } from './rest-context.ts';
import { reasonHeader, toRestError, type RestErrorResponse } from './rest-errors.ts';
import type { RestOperation } from './rest-operation.ts';
import { articleOperations, favoriteOperations } from './article-operations.ts';
import { commentOperations } from './comment-operations.ts';
import { profileOperations } from './profile-operations.ts';
import { tagOperations } from './tag-operations.ts';
import { userOperations } from './user-operations.ts';

/** Every operation of the REST API, in the order the documentation lists them. */
export const restOperations: readonly RestOperation[] = [
  ...userOperations,
  ...profileOperations,
  ...articleOperations,
  ...favoriteOperations,
  ...commentOperations,
  ...tagOperations,
];

export interface RestApiOptions {
  deps: RestDeps;
  lucia: AppLucia;
}

function sendRestError(request: FastifyRequest, reply: FastifyReply, failure: RestErrorResponse, error: unknown) {
  if (failure.status >= 500) request.log.error({ err: error }, 'REST operation failed');
  if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
  return reply.status(failure.status).header(reasonHeader, failure.reason).send(failure.body);
}

/** `/articles/{slug}` → `/articles/:slug` */
function fastifyPath(openApiPath: string): string {
  return openApiPath.replaceAll(/\{(\w+)\}/g, ':$1');
}

/**
 * A Fastify plugin; register it with `prefix: '/api'`.
 *
 * @example await app.register(restApi, { prefix: '/api', deps, lucia });
 */
export const restApi: FastifyPluginCallback<RestApiOptions> = (app, { deps, lucia }, done) => {
  // RealWorld clients POST /favorite and /follow with `Content-Type: application/json` and no
  // body; Fastify would refuse that as malformed JSON. Anything non-empty gets the default parser.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') done(null, undefined);
    // Fastify's default parser (prototype-poisoning checks included) answers through `done`.
    else void parseJson(request, text, done);
  });

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    // An AppError comes from a hook of ours (the rate limit of /openapi.json); the rest are Fastify's.
    const appError = error instanceof AppError ? error : new AppError(reasonForFastifyError(error), error.message, { cause: error });
    const failure = toRestError(appError, { resource: 'request' });
    return sendRestError(request, reply, failure, error);
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new AppError('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url}`);
    return sendRestError(request, reply, toRestError(error, { resource: 'route' }), error);
  });

  for (const operation of restOperations) {
    app.route({
      method: operation.method,
      url: fastifyPath(operation.path),
      handler: async (request, reply) => {
        try {
          const context = await createRestContext(deps, lucia, request, reply);
          const body = await operation.handle({
            caller: createRestCaller(context),
            // Fastify's defaults: path params are strings, the query an object of strings/arrays.
            params: request.params as Record<string, string>,
            query: request.query as Record<string, unknown>,
            body: request.body,
            token: context.auth?.token ?? null,
          });
          reply.status(operation.success.status);
          return operation.success.status === 204 ? reply.send() : reply.send(body);
        } catch (error) {
          return sendRestError(request, reply, toRestError(error, operation), error);
        }
      },
    });
  }

  const startedAt = performance.now();
  const documentJson = JSON.stringify(buildOpenApiDocument(restOperations));
  app.log.info({ buildMs: Math.round((performance.now() - startedAt) * 10) / 10 }, 'OpenAPI document built');
  // A plain route (no procedure behind it), so it takes the `read` limit itself.
  app.get('/openapi.json', { preHandler: rateLimitRoute(deps.rateLimits, 'read') }, (_request, reply) => reply.type('application/json; charset=utf-8').send(documentJson));
  done();
};
