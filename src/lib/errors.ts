/**
 * The one way Conduit API fails. Features throw `AppError` with a reason from `errorReasons`;
 * the tRPC error formatter (and later the REST adapter) map it to a response exactly once.
 */
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

/**
 * Every stable reason a client can see, with the tRPC code it travels under.
 * Reasons are part of the public contract: add new ones, never rename or reuse.
 */
export const errorReasons = {
  VALIDATION_ERROR: 'BAD_REQUEST',
  MALFORMED_REQUEST: 'BAD_REQUEST',
  BATCH_TOO_LARGE: 'BAD_REQUEST',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  // Security: URL plus headers over Node's limit; answered with HTTP 431 (tRPC has no code for it).
  HEADERS_TOO_LARGE: 'BAD_REQUEST',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_SUPPORTED',
  PROCEDURE_NOT_FOUND: 'NOT_FOUND',
  ROUTE_NOT_FOUND: 'NOT_FOUND',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHORIZED',
  INVALID_CREDENTIALS: 'UNAUTHORIZED',
  SESSION_EXPIRED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  CSRF_REJECTED: 'FORBIDDEN',
  INSUFFICIENT_SCOPE: 'FORBIDDEN',
  ACCOUNT_SUSPENDED: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  EMAIL_TAKEN: 'CONFLICT',
  USERNAME_TAKEN: 'CONFLICT',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  // Stream limits per connection/user, and a subscriber cut off for reading too slowly
  // (SERVICE_UNAVAILABLE is retryable, so clients reconnect and replay from their last event id).
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_REQUESTS',
  SUBSCRIBER_TOO_SLOW: 'SERVICE_UNAVAILABLE',
  TIMEOUT: 'TIMEOUT',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
  // Profiles, articles, comments and admin
  INVALID_CURSOR: 'BAD_REQUEST',
  CANNOT_FOLLOW_SELF: 'BAD_REQUEST',
  REASON_REQUIRED: 'BAD_REQUEST',
  CANNOT_CHANGE_OWN_ACCOUNT: 'FORBIDDEN',
  SLUG_UNAVAILABLE: 'CONFLICT',
  // Accounts: sessions, passwords, codes and tokens
  SESSION_REQUIRED: 'FORBIDDEN',
  WEAK_PASSWORD: 'BAD_REQUEST',
  INVALID_TOKEN: 'BAD_REQUEST',
  INVALID_CODE: 'BAD_REQUEST',
  CODE_EXPIRED: 'BAD_REQUEST',
  TOO_MANY_ATTEMPTS: 'TOO_MANY_REQUESTS',
  CHALLENGE_EXPIRED: 'UNAUTHORIZED',
  TWO_FACTOR_NOT_ENABLED: 'CONFLICT',
  TWO_FACTOR_ALREADY_ENABLED: 'CONFLICT',
  TWO_FACTOR_SETUP_REQUIRED: 'CONFLICT',
  EMAIL_ALREADY_VERIFIED: 'CONFLICT',
  // faults (idempotency)
  IDEMPOTENCY_KEY_REUSED: 'UNPROCESSABLE_CONTENT',
} as const satisfies Record<string, TRPC_ERROR_CODE_KEY>;

export type ErrorReason = keyof typeof errorReasons;

export interface AppErrorOptions {
  /** Extra, client-safe facts (e.g. `{ field: 'email' }`). Never secrets or SQL. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * An expected failure with a stable reason. It is a `TRPCError`, so procedures can simply throw it.
 *
 * @example
 * throw new AppError('EMAIL_TAKEN', 'That email is already registered', { details: { field: 'email' } });
 */
export class AppError extends TRPCError {
  readonly reason: ErrorReason;
  readonly details: Record<string, unknown> | undefined;

  constructor(reason: ErrorReason, message: string, options: AppErrorOptions = {}) {
    super({ code: errorReasons[reason], message, cause: options.cause });
    this.name = 'AppError';
    this.reason = reason;
    this.details = options.details;
  }
}

/** SQLSTATE classes/codes that mean "the database is not there right now", not "your query is wrong". */
const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006']);
const unavailableNodeCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** True when `error` (or one of its causes) says the database cannot be reached right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && (unavailableSqlStates.has(code) || unavailableNodeCodes.has(code))) {
      return true;
    }
    // pg's own messages for a pool that cannot connect or a connection that died mid-query
    // (or earlier in the same transaction: "Client has encountered a connection error and is not queryable").
    if (/timeout exceeded when trying to connect|Connection terminated|not queryable/i.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

/** True when a query was cancelled by `statement_timeout`. */
export function isStatementTimeout(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if ((current as Error & { code?: unknown }).code === '57014') return true;
    current = current.cause;
  }
  return false;
}
