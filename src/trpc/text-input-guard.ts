/**
 * Refuses text PostgreSQL cannot store exactly: a NUL character (text columns reject it, which
 * surfaced as a 500) and unpaired UTF-16 surrogates (they would be stored as U+FFFD, so the
 * value read back would differ from the value written). Checked once for every procedure, on
 * the raw input, so no feature can forget it; the answer is a VALIDATION_ERROR naming the field.
 */
import { TRPCError } from '@trpc/server';

/** Paths of every string in `value` (keys included) that PostgreSQL cannot store exactly. */
function unstorableTextPaths(value: unknown, path: Array<string | number>, found: Array<Array<string | number>>): void {
  if (found.length >= 10) return;
  if (typeof value === 'string') {
    if (value.includes('\u0000') || !value.isWellFormed()) found.push(path);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => unstorableTextPaths(item, [...path, index], found));
    return;
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000') || !key.isWellFormed()) found.push([...path, key]);
      unstorableTextPaths(item, [...path, key], found);
    }
  }
}

/**
 * Throws a VALIDATION_ERROR naming each field whose text PostgreSQL cannot store exactly.
 *
 * @example assertStorableText(await getRawInput()); // in publicProcedure's guard
 */
export function assertStorableText(rawInput: unknown): void {
  const found: Array<Array<string | number>> = [];
  unstorableTextPaths(rawInput, [], found);
  if (found.length > 0) {
    const issues = found.map((path) => ({ path, message: 'Must not contain NUL characters or unpaired surrogates' }));
    // The error contract reads `{ path, message }` issues from the cause, as it does for zod's
    // (zod 4's ZodError is not an Error subclass, so TRPCError would wrap it and lose them).
    const cause = Object.assign(new Error('Input contains text that cannot be stored'), { issues });
    throw new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
  }
}
