/**
 * What one RealWorld REST operation is: its route, its documented request and responses (zod,
 * the source of the OpenAPI document) and a handler that calls exactly one tRPC procedure and
 * maps shapes. Routing and documentation are both generated from the same list of operations,
 * so the document cannot describe a route that does not exist, or miss one.
 */
import type { z } from 'zod';

import { AppError } from '../lib/errors.ts';
import type { createRestCaller } from './rest-context.ts';

export type RestCaller = ReturnType<typeof createRestCaller>;

/** Everything a handler may use: the caller (procedures) and the raw, unvalidated request parts. */
export interface RestRequest {
  caller: RestCaller;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  /** The token the caller authenticated with; RealWorld echoes it back in `user.token`. */
  token: string | null;
}

export type ErrorStatus = 401 | 403 | 404 | 409 | 422 | 429;

export interface RestOperation {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** OpenAPI form, relative to `/api` (as in the RealWorld spec): `/articles/{slug}`. */
  path: `/${string}`;
  operationId: string;
  summary: string;
  tag: 'User and Authentication' | 'Profile' | 'Articles' | 'Comments' | 'Favorites' | 'Tags';
  /** Documented as needing `Authorization: Token …`; the procedure builder enforces it. */
  isAuthRequired: boolean;
  /** The error key of a 403/404 ("the error key identifies the resource type"). */
  resource: string;
  /** Procedure input field → REST field, for validation error keys (`login` → `email`). */
  fieldAliases?: Record<string, string>;
  request?: { path?: z.ZodObject; query?: z.ZodObject; body?: z.ZodType };
  success: { status: 200 | 201 | 204; description: string; schema?: z.ZodType };
  errors: readonly ErrorStatus[];
  handle(request: RestRequest): Promise<unknown>;
}

/** Identity with a type check: keeps each operation's literal types. */
export function defineOperation(operation: RestOperation): RestOperation {
  return operation;
}

/**
 * The object inside a RealWorld envelope (`{ "user": { … } }`), or a 422 naming the envelope.
 *
 * @example const fields = envelopeContent(body, 'article'); // { title, … }
 */
export function envelopeContent(body: unknown, key: string): Record<string, unknown> {
  const content = isRecord(body) ? body[key] : undefined;
  if (!isRecord(content)) {
    throw new AppError('VALIDATION_ERROR', `must be an object: the body is { "${key}": { … } }`, { details: { field: key } });
  }
  return content;
}

/**
 * The fields the spec documents, and only those: RealWorld clients send extra fields (some send
 * the whole user back), which the spec allows and the strict procedure inputs would refuse.
 * Each value is passed on untouched: the procedure's input schema is the only validator.
 *
 * @example specFields({ email: 'a@b.c', token: 'x' }, ['email', 'bio']) // { email: 'a@b.c' }
 */
export function specFields<const K extends string>(content: Record<string, unknown>, keys: readonly K[]): Partial<Record<K, unknown>> {
  const picked: Partial<Record<K, unknown>> = {};
  for (const key of keys) {
    if (Object.hasOwn(content, key)) picked[key] = content[key];
  }
  return picked;
}

/**
 * Query strings carry text; a whole number is handed on as a number, anything else as it came
 * so that the procedure's schema reports it (`?limit=abc` → 422 on `limit`).
 *
 * @example integerParam('20') // 20
 */
export function integerParam(value: unknown): unknown {
  return typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value;
}

/** A single query value, or undefined when absent or empty (`?tag=` means no filter). */
export function textParam(value: unknown): unknown {
  return value === '' ? undefined : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Hands request data to a procedure, typed as the input it expects. Safe because every
 * procedure parses its input with its own zod schema before running: the REST layer has no
 * validator of its own, so a rule lives in one place.
 *
 * @example await caller.auth.register(procedureInput(specFields(user, ['email', 'username', 'password'])));
 */
export function procedureInput<T>(value: unknown): T {
  return value as T;
}
