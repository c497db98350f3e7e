/**
 * The RealWorld error body, `{ "errors": { "<key>": ["<message>"] } }`, built from the same
 * error contract tRPC clients get (describeError), so both surfaces fail for the same reasons.
 * Status: the contract's, except that every 400 becomes 422 (the spec knows no 400). The key:
 * the field for validation and conflicts; `token`, `credentials`, `account`, `body` or `route`
 * for those reasons; the resource for other 403/404; the reason in lower case otherwise. The reason itself travels in `x-error-reason`.
 */
import { TRPCError } from '@trpc/server';

import type { ErrorReason } from '../lib/errors.ts';
import { describeError } from '../trpc/error-contract.ts';

/** The header that carries the stable reason next to the RealWorld body. */
export const reasonHeader = 'x-error-reason';

export interface RestErrorResponse {
  status: number;
  reason: ErrorReason;
  body: { errors: Record<string, string[]> };
  /** For `Retry-After` on 429: from a RATE_LIMITED error's `details.retryAfterSeconds`. */
  retryAfterSeconds?: number;
}

export interface RestErrorScope {
  resource: string;
  fieldAliases?: Record<string, string> | undefined;
}

const keyByReason: Partial<Record<ErrorReason, string>> = {
  UNAUTHENTICATED: 'token',
  SESSION_EXPIRED: 'token',
  INVALID_CREDENTIALS: 'credentials',
  INSUFFICIENT_SCOPE: 'token',
  ACCOUNT_SUSPENDED: 'account',
  ROUTE_NOT_FOUND: 'route',
  MALFORMED_REQUEST: 'body',
  PAYLOAD_TOO_LARGE: 'body',
  UNSUPPORTED_MEDIA_TYPE: 'body',
};

/**
 * @example
 * toRestError(new AppError('NOT_FOUND', 'Article not found'), { resource: 'article' });
 * // { status: 404, reason: 'NOT_FOUND', body: { errors: { article: ['Article not found'] } } }
 */
export function toRestError(error: unknown, scope: RestErrorScope): RestErrorResponse {
  const trpcError = error instanceof TRPCError ? error : new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error });
  const contract = describeError(trpcError);
  const status = contract.httpStatus === 400 ? 422 : contract.httpStatus;
  const errors: Record<string, string[]> = {};
  if (contract.issues && contract.issues.length > 0) {
    for (const issue of contract.issues) {
      const key = restFieldName(issue.path, scope.fieldAliases);
      (errors[key] ??= []).push(issue.message);
    }
  } else {
    errors[errorKey(contract.reason, contract.httpStatus, contract.details, scope)] = [contract.message];
  }
  const response: RestErrorResponse = { status, reason: contract.reason, body: { errors } };
  const retryAfter = contract.details?.retryAfterSeconds;
  if (contract.reason === 'RATE_LIMITED' && typeof retryAfter === 'number' && Number.isFinite(retryAfter)) {
    response.retryAfterSeconds = Math.max(1, Math.ceil(retryAfter));
  }
  return response;
}

function errorKey(reason: ErrorReason, status: number, details: Record<string, unknown> | undefined, scope: RestErrorScope): string {
  const field = details?.field;
  if (typeof field === 'string') return restFieldName(field, scope.fieldAliases);
  const known = keyByReason[reason];
  if (known) return known;
  const resource = details?.resource;
  if (status === 403 || status === 404) return typeof resource === 'string' ? resource : scope.resource;
  return reason.toLowerCase();
}

/** `login` → `email` for an aliased field; `''` (the input as a whole) → `body`. */
function restFieldName(path: string, aliases: Record<string, string> | undefined): string {
  if (path === '') return 'body';
  const [head = path, ...rest] = path.split('.');
  return [aliases?.[head] ?? head, ...rest].join('.');
}
