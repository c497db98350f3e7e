/**
 * Opaque keyset cursors: the sort key of the last row of a page, as base64url JSON. Clients
 * must not build them; anything that does not decode to the expected key is INVALID_CURSOR.
 */
import { z } from 'zod';

import { AppError } from './errors.ts';

/**
 * @example encodeCursor([article.createdAt.toISOString(), article.id]) // 'WyIyMDI2LTEy…'
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by `encodeCursor` and checks it against `schema`.
 *
 * @example const [createdAt, id] = decodeCursor(input.cursor, createdAtIdKey);
 */
export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  let decoded: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('INVALID_CURSOR', 'The cursor is malformed; use nextCursor from a previous page');
  }
  const parsed = schema.safeParse(decoded);
  if (!parsed.success) throw new AppError('INVALID_CURSOR', 'The cursor is malformed; use nextCursor from a previous page');
  return parsed.data;
}

/** The key of lists ordered by `(created_at, id)`: an ISO timestamp (ms precision) and a UUID. */
export const createdAtIdKey = z.tuple([z.iso.datetime({ offset: true }).transform((value) => new Date(value)), z.uuid()]);

/** PostgreSQL's largest bigint: a larger id cannot be ours, and comparing one with a bigint column fails (22003). */
const maxBigint = 2n ** 63n - 1n;

/** The key of lists ordered by a bigint identity column: the id as a decimal string, within range. */
export const bigintIdKey = z.tuple([z.string().regex(/^[0-9]{1,19}$/).refine((id) => BigInt(id) <= maxBigint)]);

/** A cursor field for input schemas: bounded, the content is checked by `decodeCursor`. */
export const cursorInput = z.string().min(1).max(256);
