/**
 * fast-check arbitraries for a procedure's input, built from its zod schema through zod 4's
 * `z.toJSONSchema` (zod-fast-check supports zod 3 only). Valid inputs follow the schema's types,
 * patterns and limits, with hostile strings mixed in; invalid ones break it on purpose (missing,
 * extra, wrongly typed or oversized fields, privileged properties a client must not set).
 */
import fc from 'fast-check';
import { z } from 'zod';

/** The subset of JSON Schema that `z.toJSONSchema` emits for our inputs. */
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

/** Values that match real rows, so generated calls reach past "not found" into the logic. */
export interface KnownValues {
  usernames: string[];
  slugs: string[];
  emails: string[];
}

/**
 * Strings that break naive code: SQL and LIKE metacharacters, NUL, bidi overrides, combining
 * marks, 4-byte emoji, lone surrogates, JSON/HTML specials, prototype keys (and, below, digit
 * strings past the integer types).
 */
export const hostileStrings = [
  "' OR '1'='1",
  "'; DROP TABLE articles; --",
  '%_\\',
  'a\u0000b',
  '\u202Egnp.exe',
  'e\u0301\u0301\u0301',
  '𝕳𝖊𝖑𝖑𝖔 🧑‍🚀🏳️‍🌈',
  '\uD800',
  '</script><script>alert(1)</script>',
  '{"$gt":""}',
  '__proto__',
  'constructor',
  '  ',
  '\r\n\t',
  'ﬀ ＡＢＣ', // NFKC-changing characters
];

const maxGeneratedLength = 300;

const integerEdges = ['0', '-1', '2147483648', '9223372036854775807', '9223372036854775808', '99999999999999999999', '00000000000000000001'];

/**
 * Digit strings at the edges of integer types (int4, bigint, past bigint) and random ones, of a
 * length the schema allows: ids and cursors travel as strings and meet numeric columns.
 */
function numericStrings(minLength: number, maxLength: number): fc.Arbitrary<string> | null {
  const shortest = Math.max(minLength, 1);
  const longest = Math.min(maxLength, 20);
  if (shortest > longest) return null;
  const random = fc
    .integer({ min: shortest, max: longest })
    .chain((length) => fc.bigInt({ min: length === 1 ? 0n : 10n ** BigInt(length - 1), max: 10n ** BigInt(length) - 1n }).map(String));
  const edges = integerEdges.filter((value) => value.length >= shortest && value.length <= longest);
  return edges.length > 0 ? fc.oneof(fc.constantFrom(...edges), random) : random;
}

function pickFrom(values: () => string[]): fc.Arbitrary<string> {
  return fc.nat().map((index) => {
    const list = values();
    return list.length > 0 ? list[index % list.length]! : 'nothing-known-yet';
  });
}

function stringArbitrary(schema: JsonSchema, key: string, known: KnownValues): fc.Arbitrary<string> {
  // Known rows are picked lazily: they are created in beforeAll, after the arbitraries are built.
  const knownChoices: Array<fc.Arbitrary<string>> = [];
  if (/email|login/i.test(key)) knownChoices.push(pickFrom(() => known.emails));
  if (/slug/i.test(key)) knownChoices.push(pickFrom(() => known.slugs));
  if (/login|user|author|actor|favorited/i.test(key)) knownChoices.push(pickFrom(() => known.usernames));
  if (schema.pattern) return fc.oneof(fc.stringMatching(new RegExp(schema.pattern)), ...knownChoices);
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? maxGeneratedLength, maxGeneratedLength));
  const choices: Array<fc.Arbitrary<string>> = [
    fc.string({ minLength, maxLength, unit: 'binary' }),
    fc.string({ minLength, maxLength }),
    fc.constantFrom(...hostileStrings).filter((value) => value.length >= minLength && value.length <= (schema.maxLength ?? Infinity)),
  ];
  const digits = numericStrings(minLength, maxLength);
  if (digits) choices.push(digits);
  // Ids and cursors (`lastEventId`, `cursor`) get digit strings most of the time.
  if (digits && /id$|cursor/i.test(key)) return fc.oneof({ weight: 3, arbitrary: digits }, { weight: 2, arbitrary: fc.oneof(...choices) });
  if (schema.format === 'uri') choices.push(fc.webUrl());
  choices.push(...knownChoices);
  if (/email/i.test(key)) choices.push(fc.emailAddress());
  if (schema.maxLength !== undefined && schema.maxLength > maxGeneratedLength) {
    // The limit itself, exactly: the longest accepted value must be stored and returned intact.
    choices.push(fc.constant('x'.repeat(schema.maxLength)));
  }
  return fc.oneof(...choices);
}

/**
 * An arbitrary of values that satisfy `schema` (as far as JSON Schema can say: zod refinements
 * such as the password policy may still reject some, which is a valid 4xx).
 *
 * @example fc.sample(validArbitrary({ type: 'integer', minimum: 1, maximum: 3 }, '', known), 3) // [2, 1, 3]
 */
export function validArbitrary(schema: JsonSchema, key: string, known: KnownValues): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((option) => validArbitrary(option, key, known)));
  if (schema.allOf) return validArbitrary(Object.assign({}, ...schema.allOf) as JsonSchema, key, known);
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema, key, known);
    case 'integer': {
      const min = schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : (schema.minimum ?? -1_000_000);
      return fc.integer({ min, max: Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER) });
    }
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(validArbitrary(schema.items ?? {}, key, known), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 12, 12),
      });
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) record[name] = validArbitrary(property, name, known);
      return fc.record(record, { requiredKeys: Object.keys(properties).filter((name) => required.has(name)) });
    }
    default:
      return jsonValueSendable({ maxDepth: 2 });
  }
}

/**
 * JSON values the client can send: superjson refuses, client-side and before any request, an
 * object with an own `__proto__` key (fast-check generates such keys), so those never reach the
 * server and prove nothing about it.
 */
function jsonValueSendable(constraints: { maxDepth: number }): fc.Arbitrary<unknown> {
  return fc.jsonValue(constraints).filter((value) => !hasOwnProtoKey(value));
}

function hasOwnProtoKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasOwnProtoKey);
  if (typeof value !== 'object' || value === null) return false;
  return Object.hasOwn(value, '__proto__') || Object.values(value).some(hasOwnProtoKey);
}

/**
 * Properties no input may set: giving them must be refused or ignored, never applied.
 * (`__proto__` and `constructor` are refused by superjson in the client already.)
 */
const privilegedProperties = ['role', 'id', 'authorId', 'userId', 'favoritesCount', 'emailVerified', 'emailVerifiedAt', 'suspendedAt', 'createdAt', 'deletedAt', 'isAdmin'];

const wrongTypedValue = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constant('x'.repeat(200_001)),
  fc.date(),
  fc.bigInt(),
);

/**
 * An arbitrary of inputs that break `schema` on purpose: the server must answer 4xx with the
 * error contract (or ignore a privileged extra property), never 5xx.
 */
export function invalidArbitrary(schema: JsonSchema, known: KnownValues): fc.Arbitrary<unknown> {
  const properties = Object.keys(schema.properties ?? {});
  const valid = validArbitrary(schema, '', known);
  const broken: Array<fc.Arbitrary<unknown>> = [
    wrongTypedValue,
    jsonValueSendable({ maxDepth: 3 }),
    fc.tuple(valid, fc.constantFrom(...privilegedProperties), wrongTypedValue, fc.constantFrom('admin', 'moderator', 0, true, 999_999)).map(
      ([value, name, , privileged]) => (isRecord(value) ? { ...value, [name]: privileged } : value),
    ),
  ];
  if (properties.length > 0) {
    const field = fc.constantFrom(...properties);
    broken.push(
      fc.tuple(valid, field, wrongTypedValue).map(([value, name, wrong]) => (isRecord(value) ? { ...value, [name]: wrong } : value)),
      fc.tuple(valid, field).map(([value, name]) => {
        if (!isRecord(value)) return value;
        return Object.fromEntries(Object.entries(value).filter(([key]) => key !== name));
      }),
    );
  }
  return fc.oneof(...broken);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The JSON Schema of a procedure's input (several `.input()` calls are merged, as tRPC does),
 * or null when it takes none.
 *
 * @example inputJsonSchema(appRouter._def.procedures['articles.bySlug']._def.inputs)
 */
export function inputJsonSchema(inputs: z.ZodType[]): JsonSchema | null {
  if (inputs.length === 0) return null;
  const merged = inputs.reduce((all, next) => z.intersection(all, next));
  return z.toJSONSchema(merged, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}
