/**
 * Requests Node's HTTP parser refuses before Fastify sees them — a URL or headers over Node's
 * 16 KiB limit, malformed HTTP, a request that never finished arriving — get the error contract
 * too, instead of Fastify's own `{ error, message, statusCode }`. There is no request object yet,
 * so the surface (tRPC envelope, RealWorld body, plain JSON) is read from the request line at the
 * start of the refused bytes; when it is not there (a later chunk), the plain form is sent.
 */
import { randomUUID } from 'node:crypto';
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

import { AppError } from '../lib/errors.ts';
import { reasonHeader, toRestError } from '../rest/rest-errors.ts';
import { describeError } from '../trpc/error-contract.ts';
import { errorContractPayload } from './error-handler.ts';
import { requestIdHeader } from './request-id.ts';

type ClientErrorHandler = NonNullable<FastifyServerOptions['clientErrorHandler']>;
type ConnectionError = Parameters<ClientErrorHandler>[0];

function appErrorFor(error: ConnectionError): AppError {
  if (error.code === 'HPE_HEADER_OVERFLOW') return new AppError('HEADERS_TOO_LARGE', `The URL and headers exceed ${maxHeaderSize} bytes`);
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new AppError('TIMEOUT', 'The request did not arrive in time');
  return new AppError('MALFORMED_REQUEST', 'Malformed HTTP request');
}

/** The request target, when `rawPacket` begins with a request line (`GET /trpc/x?input=… HTTP/1.1`). */
function requestTargetOf(error: ConnectionError): string {
  const raw: unknown = error.rawPacket;
  // Node hands a Buffer; Fastify's type describes its JSON form.
  const head = Buffer.isBuffer(raw) ? raw.subarray(0, 64).toString('latin1') : '';
  return /^[A-Z]+ (\/\S*)/.exec(head)?.[1] ?? '';
}

/** Status, extra headers and body, shaped for the surface the request was addressed to. */
function refusalFor(appError: AppError, target: string, requestId: string) {
  const contract = describeError(appError);
  // 431 is the precise status for oversized headers; tRPC has no code for it (it travels as BAD_REQUEST).
  const status = appError.reason === 'HEADERS_TOO_LARGE' ? 431 : contract.httpStatus;
  if (target === '/api' || target.startsWith('/api/') || target.startsWith('/api?')) {
    const rest = toRestError(appError, { resource: 'request' });
    return { status: status === 400 ? rest.status : status, headers: { [reasonHeader]: rest.reason }, body: rest.body };
  }
  return { status, headers: {}, body: errorContractPayload({ url: target, id: requestId }, { ...contract, httpStatus: status }) };
}

/**
 * Fastify's `clientErrorHandler` option.
 *
 * @example Fastify({ clientErrorHandler: createClientErrorHandler(logger) })
 */
export function createClientErrorHandler(logger: FastifyBaseLogger): ClientErrorHandler {
  return (error: ConnectionError, socket: Socket) => {
    // A reset connection has nobody left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const requestId = randomUUID();
    const appError = appErrorFor(error);
    logger.debug({ code: error.code, reason: appError.reason, requestId }, 'request refused by the HTTP parser');
    if (socket.writable) {
      const { status, headers, body } = refusalFor(appError, requestTargetOf(error), requestId);
      const text = JSON.stringify(body);
      const lines = [
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
        'Content-Type: application/json; charset=utf-8',
        `Content-Length: ${Buffer.byteLength(text)}`,
        `${requestIdHeader}: ${requestId}`,
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        'Connection: close',
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n${text}`);
    }
    // As Node and Fastify do: whatever else the client sends is not read.
    socket.destroy(error);
  };
}
