/**
 * Turns any error a procedure (or the HTTP layer) produced into the public error contract:
 * tRPC `code` + `httpStatus`, our stable `reason`, a safe message, and field issues for
 * validation. This is the only place that decides what a client may see of a failure.
 */
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

import { AppError, errorReasons, isDatabaseUnavailable, isStatementTimeout, type ErrorReason } from '../lib/errors.ts';

export interface FieldIssue {
  /** Dotted path of the offending input field (`''` for the input as a whole). */
  path: string;
  message: string;
}

export interface ErrorContract {
  code: TRPC_ERROR_CODE_KEY;
  httpStatus: number;
  reason: ErrorReason;
  message: string;
  issues?: FieldIssue[];
  details?: Record<string, unknown>;
}

/** The reason used when a plain `TRPCError` (thrown by tRPC itself or a library) reaches us. */
const defaultReasonByCode: Partial<Record<TRPC_ERROR_CODE_KEY, ErrorReason>> = {
  PARSE_ERROR: 'MALFORMED_REQUEST',
  BAD_REQUEST: 'MALFORMED_REQUEST',
  UNAUTHORIZED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_SUPPORTED: 'METHOD_NOT_ALLOWED',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  TOO_MANY_REQUESTS: 'RATE_LIMITED',
  TIMEOUT: 'TIMEOUT',
  SERVICE_UNAVAILABLE: 'UNAVAILABLE',
};

const genericMessages: Partial<Record<ErrorReason, string>> = {
  INTERNAL: 'Internal server error',
  UNAVAILABLE: 'The service is temporarily unavailable; retry shortly',
  TIMEOUT: 'The request took too long and was cancelled',
};

/**
 * Describes a `TRPCError` as the client will see it.
 *
 * @example
 * describeError(new AppError('EMAIL_TAKEN', 'Email already registered'));
 * // { code: 'CONFLICT', httpStatus: 409, reason: 'EMAIL_TAKEN', message: 'Email already registered' }
 */
export function describeError(error: TRPCError): ErrorContract {
  if (error instanceof AppError) {
    return withStatus(error.reason, error.message, { details: error.details });
  }
  const issues = validationIssues(error.cause);
  if (error.code === 'BAD_REQUEST' && issues) {
    return withStatus('VALIDATION_ERROR', summariseIssues(issues), { issues });
  }
  if (isDatabaseUnavailable(error.cause)) return withStatus('UNAVAILABLE', genericMessages.UNAVAILABLE);
  if (isStatementTimeout(error.cause)) return withStatus('TIMEOUT', genericMessages.TIMEOUT);
  if (error.code === 'NOT_FOUND' && /no procedure found/i.test(error.message)) {
    return withStatus('PROCEDURE_NOT_FOUND', error.message);
  }
  if (error.code === 'BAD_REQUEST' && /batch call exceeds maximum size/i.test(error.message)) {
    return withStatus('BATCH_TOO_LARGE', error.message);
  }
  const reason = defaultReasonByCode[error.code];
  if (!reason) {
    // Anything unexpected (a bug, an output schema violation, a driver error) is INTERNAL and
    // says nothing about its cause; the server log has the details under the request id.
    return withStatus('INTERNAL', genericMessages.INTERNAL);
  }
  return withStatus(reason, error.message);
}

function withStatus(
  reason: ErrorReason,
  message: string = genericMessages[reason] ?? reason,
  extra: { issues?: FieldIssue[]; details?: Record<string, unknown> | undefined } = {},
): ErrorContract {
  const code = errorReasons[reason];
  const contract: ErrorContract = {
    code,
    httpStatus: getHTTPStatusCodeFromError(new TRPCError({ code })),
    reason,
    // An INTERNAL message could carry SQL or a stack detail: it is never passed through.
    message: reason === 'INTERNAL' ? 'Internal server error' : message,
  };
  if (extra.issues) contract.issues = extra.issues;
  if (extra.details) contract.details = extra.details;
  return contract;
}

interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
}

/** Zod (and any Standard Schema validator) reports issues as `{ path, message }` objects. */
function validationIssues(cause: unknown): FieldIssue[] | undefined {
  if (typeof cause !== 'object' || cause === null || !('issues' in cause)) return undefined;
  const { issues } = cause;
  if (!Array.isArray(issues)) return undefined;
  return (issues as IssueLike[]).map((issue) => ({
    path: issue.path.map((segment) => String(segment)).join('.'),
    message: issue.message,
  }));
}

function summariseIssues(issues: FieldIssue[]): string {
  const [first] = issues;
  if (!first) return 'Invalid input';
  const where = first.path === '' ? 'input' : first.path;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `Invalid input: ${where}: ${first.message}${more}`;
}

/**
 * Accounts and security: the seconds a RATE_LIMITED error asks the client to wait (0 when none).
 *
 * @example retryAfterSecondsOf(new AppError('RATE_LIMITED', '…', { details: { retryAfterSeconds: 60 } })) // 60
 */
export function retryAfterSecondsOf(error: TRPCError): number {
  if (!(error instanceof AppError) || error.reason !== 'RATE_LIMITED') return 0;
  const seconds = error.details?.retryAfterSeconds;
  return typeof seconds === 'number' && Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : 0;
}
