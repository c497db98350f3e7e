/**
 * Failures that happen before a procedure runs (oversized body, bad content type, unknown
 * route) get the same error contract as procedure errors, shaped for the caller's surface.
 */
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import superjson from 'superjson';

import { AppError, type ErrorReason } from '../lib/errors.ts';
import { describeError, type ErrorContract } from '../trpc/error-contract.ts';

const reasonByFastifyCode: Record<string, ErrorReason> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_REQUEST',
  FST_ERR_VALIDATION: 'VALIDATION_ERROR',
};

export function reasonForFastifyError(error: FastifyError): ErrorReason {
  const known = reasonByFastifyCode[error.code];
  if (known) return known;
  if (error.statusCode === 413) return 'PAYLOAD_TOO_LARGE';
  if (error.statusCode === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (error.statusCode === 429) return 'RATE_LIMITED';
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return 'MALFORMED_REQUEST';
  return 'INTERNAL';
}

/** Sends `contract` as tRPC's superjson error envelope under /trpc, as plain JSON elsewhere. */
export function sendErrorContract(request: FastifyRequest, reply: FastifyReply, contract: ErrorContract) {
  reply.status(contract.httpStatus);
  return reply.send(errorContractPayload(request, contract));
}

/**
 * The body `sendErrorContract` sends, for hooks that must return it rather than send it (and for
 * the client-error handler, which has only the request line's target and an id).
 */
export function errorContractPayload(request: Pick<FastifyRequest, 'url' | 'id'>, contract: ErrorContract) {
  const data = { code: contract.code, httpStatus: contract.httpStatus, reason: contract.reason, requestId: request.id };
  if (request.url.startsWith('/trpc/') || request.url === '/trpc') {
    const shape = { code: TRPC_ERROR_CODES_BY_KEY[contract.code], message: contract.message, data };
    return { error: superjson.serialize(shape) };
  }
  return { error: { ...data, message: contract.message } };
}

/** Installs the error and not-found handlers. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // An AppError thrown by a route or hook (e.g. RATE_LIMITED) keeps its own reason.
    const appError = (error as unknown) instanceof AppError ? (error as unknown as AppError) : undefined;
    const contract = describeError(appError ?? new AppError(reasonForFastifyError(error), error.message, { cause: error }));
    if (contract.httpStatus >= 500) request.log.error({ err: error }, 'request failed');
    return sendErrorContract(request, reply, contract);
  });
  app.setNotFoundHandler((request, reply) =>
    sendErrorContract(request, reply, describeError(new AppError('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url}`))),
  );
}
