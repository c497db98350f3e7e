/**
 * Request ids: taken from `x-request-id` when a caller (or proxy) sends a sane one, generated
 * otherwise, echoed back, and attached to every log line of the request by Fastify.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const requestIdHeader = 'x-request-id';

// Untrusted input ends up in logs: only short, plain tokens are accepted.
const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** @example requestIdFor(req) // 'b3c1…' or the caller's own id */
export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers[requestIdHeader];
  return typeof incoming === 'string' && acceptableRequestId.test(incoming) ? incoming : randomUUID();
}
