/**
 * The tRPC transformer: superjson on the wire in both directions, with a fast serializer for
 * responses. Our outputs are JSON plus `Date`s; for that shape this produces exactly what
 * `superjson.serialize` produces (same `json`, same `meta` keys in the same order), in one pass
 * and without copying the tree. Anything else falls back to superjson itself. See
 * docs/decisions/0060-fast-superjson-output.md; tests/bench/wire-transformer.test.ts holds it to
 * superjson's output and round trip.
 */
import type { CombinedDataTransformer } from '@trpc/server';
import superjson, { type SuperJSONResult } from 'superjson';

type DateAnnotations = Record<string, ['Date']>;

/** superjson refuses these keys (prototype pollution); falling back keeps its exact error. */
function isRefusedKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

/** superjson's path segment escaping (`pathstringifier.ts`): backslash, then dot. */
function escapeKey(key: string): string {
  return key.includes('.') || key.includes('\\') ? key.replace(/\\/g, '\\\\').replace(/\./g, '\\.') : key;
}

/** Array index segments, made once: a page of items would otherwise build them per request. */
const indexSegments = Array.from({ length: 256 }, (_, index) => String(index));

/**
 * What a primitive needs: true when JSON carries it as superjson does, false when superjson
 * would encode it (undefined, non-finite numbers, -0, bigint, symbols, functions), undefined
 * for an object (a container or a Date, visited with its path).
 */
function primitiveVerdict(value: unknown): boolean | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !(value === 0 && 1 / value < 0);
    case 'object':
      return value === null ? true : undefined;
    default:
      return false;
  }
}

/**
 * Walks `value` depth first in superjson's order, recording the path of each `Date`. Returns
 * false on anything superjson would encode differently from JSON: undefined, non-finite
 * numbers, -0, bigint, symbols, functions, Map/Set/RegExp/Error/URL, class instances, sparse
 * arrays, invalid dates, and an object reached twice (superjson records referential equality).
 * `path` is a stack of escaped segments, joined only when a Date needs it; primitives (most
 * values) are judged in place, without touching the path.
 */
function collectDates(value: object, path: string[], annotations: DateAnnotations, seen: Set<object>): boolean {
  if (seen.has(value)) return false;
  seen.add(value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return false;
    annotations[path.join('.')] = ['Date'];
    return true;
  }
  if (Array.isArray(value)) {
    const items = value as unknown[];
    for (let index = 0; index < items.length; index++) {
      // A hole reads as undefined, which superjson encodes: both fall back.
      const item = items[index];
      const verdict = primitiveVerdict(item);
      if (verdict === true) continue;
      if (verdict === false) return false;
      path.push(indexSegments[index] ?? String(index));
      const isEncodable = collectDates(item as object, path, annotations, seen);
      path.pop();
      if (!isEncodable) return false;
    }
    return true;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (isRefusedKey(key)) return false;
    const item = record[key];
    const verdict = primitiveVerdict(item);
    if (verdict === true) continue;
    if (verdict === false) return false;
    path.push(escapeKey(key));
    const isEncodable = collectDates(item as object, path, annotations, seen);
    path.pop();
    if (!isEncodable) return false;
  }
  return true;
}

/**
 * `superjson.serialize`, fast for JSON-and-Date values. The returned `json` is the value
 * itself: `JSON.stringify` turns each `Date` into the same ISO string superjson writes
 * (`Date.prototype.toJSON` is `toISOString`), so the bytes on the wire are identical.
 *
 * @example
 * serializeForWire({ at: new Date(0), tags: ['a'] });
 * // { json: { at: <the Date>, tags: ['a'] }, meta: { values: { at: ['Date'] }, v: 1 } }
 * // JSON.stringify → {"json":{"at":"1970-01-01T00:00:00.000Z","tags":["a"]},"meta":{"values":{"at":["Date"]},"v":1}}
 */
export function serializeForWire(value: unknown): SuperJSONResult {
  if (typeof value !== 'object' || value === null) {
    // A JSON primitive needs no annotation; superjson handles the rest (undefined, NaN, bigint…).
    return primitiveVerdict(value) === true ? { json: value as string | number | boolean | null } : superjson.serialize(value);
  }
  // A Date at the root is annotated at the root: rare, left to superjson.
  if (value instanceof Date) return superjson.serialize(value);
  const annotations: DateAnnotations = {};
  if (!collectDates(value, [], annotations, new Set())) return superjson.serialize(value);
  // `json` is typed as JSON values; it holds Dates that JSON.stringify writes as superjson does.
  const json = value as SuperJSONResult['json'];
  return Object.keys(annotations).length > 0 ? { json, meta: { values: annotations, v: 1 } } : { json };
}

/** Inputs are parsed by superjson itself; outputs go through `serializeForWire`. */
export const wireTransformer: CombinedDataTransformer = {
  input: superjson,
  output: { serialize: serializeForWire, deserialize: (data: SuperJSONResult): unknown => superjson.deserialize(data) },
};
