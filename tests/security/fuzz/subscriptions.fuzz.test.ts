/**
 * Property-based fuzzing of every subscription over SSE, with inputs generated from each
 * procedure's zod schema (valid, hostile, deliberately invalid), anonymous and signed in: the
 * first answer is an open stream (or data), or a 4xx in the error contract — as an HTTP response
 * or as the stream's error event — never a 5xx; nothing is logged as a server fault.
 *
 * Default size: FUZZ_RUNS / 5 (60 in CI). Nightly: `npm run test:fuzz` (2,000). A failure prints
 * the seed and path; replay it with `FUZZ_SEED=<seed> FUZZ_PATH=<path> npm run test:fuzz`.
 */
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, vi } from 'vitest';
import type { z } from 'zod';

import { errorReasons } from '../../../src/lib/errors.ts';
import { appRouter } from '../../../src/trpc/router.ts';
import { registerAccount, type TestAccount } from '../../helpers/accounts.ts';
import { startTestServer, type TestServer } from '../../helpers/test-server.ts';
import { inputJsonSchema, invalidArbitrary, validArbitrary, type KnownValues } from './input-arbitrary.ts';
import { sseFirstAnswer, type SseFirstAnswer } from './sse-first-answer.ts';

const numRuns = Math.max(20, Math.ceil(Number(process.env.FUZZ_RUNS ?? 300) / 5));
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const path = process.env.FUZZ_PATH;
/** How long an open stream must stay quiet to count as open (see sse-first-answer.ts). */
const quietMs = 100;

type Caller = 'anonymous' | 'user';

const known: KnownValues = { usernames: [], slugs: [], emails: [] };

const inputsByPath = new Map<string, fc.Arbitrary<unknown>>();
for (const [procedurePath, procedure] of Object.entries(appRouter._def.procedures)) {
  // The router's procedure records are typed loosely by tRPC; `_def` is its documented shape.
  const def = (procedure as unknown as { _def: { type: string; inputs: z.ZodType[] } })._def;
  if (def.type !== 'subscription') continue;
  const schema = inputJsonSchema(def.inputs);
  inputsByPath.set(
    procedurePath,
    schema
      ? fc.oneof({ weight: 3, arbitrary: validArbitrary(schema, '', known) }, { weight: 2, arbitrary: invalidArbitrary(schema, known) })
      : fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 })),
  );
}

const fuzzCase = fc.constantFrom(...inputsByPath.keys()).chain((procedurePath) =>
  fc.record({ procedurePath: fc.constant(procedurePath), caller: fc.constantFrom<Caller>('anonymous', 'user'), input: inputsByPath.get(procedurePath)! }),
);

/** The error contract inside an HTTP error body or a stream's error event, if there is one. */
function contractOf(answer: SseFirstAnswer): { httpStatus?: number; reason?: string } | undefined {
  if (answer.kind === 'stream-error') return (answer.error as { data?: { httpStatus?: number; reason?: string } } | undefined)?.data;
  if (answer.kind === 'http-error') {
    const envelope = (answer.body as { error?: { json?: { data?: { httpStatus?: number; reason?: string } } } } | undefined)?.error;
    return envelope?.json?.data;
  }
  return undefined;
}

describe('Fuzzing: every subscription over SSE, generated from its zod schema (API4:2023, API8:2023, ASVS 5.1.3, 7.4.1)', () => {
  let server: TestServer;
  let user: TestAccount;
  const headers = new Map<Caller, Record<string, string>>();

  beforeAll(async () => {
    server = await startTestServer();
    user = await registerAccount(server);
    const author = await registerAccount(server);
    const article = await author.api.articles.create.mutate({ title: 'Fuzzed subscriptions', description: 'd', body: 'b', tagList: ['fuzz'] });
    known.slugs.push(article.slug, 'no-such-article');
    known.usernames.push(author.username);
    known.emails.push(author.email);
    headers.set('anonymous', {});
    headers.set('user', { authorization: `Bearer ${user.token}` });
  });
  afterAll(() => server.close());

  test.prop([fuzzCase], { numRuns, ...(seed !== undefined && { seed }), ...(path !== undefined && { path }) })(
    'answers every generated subscription with an open stream or a 4xx in the error contract, never a 5xx',
    async ({ procedurePath, caller, input }) => {
      const answer = await sseFirstAnswer(`${server.baseUrl}/trpc/${procedurePath}`, input, headers.get(caller)!, quietMs);
      if (answer.kind === 'open' || answer.kind === 'data') return;
      const contract = contractOf(answer);
      const described = `${procedurePath} as ${caller}: ${JSON.stringify(answer).slice(0, 300)}`;
      expect(contract, `${described} — no error contract`).toBeDefined();
      expect(contract?.httpStatus, described).toBeGreaterThanOrEqual(400);
      expect(contract?.httpStatus, described).toBeLessThan(500);
      if (answer.kind === 'http-error') expect(answer.status, described).toBe(contract?.httpStatus);
      expect(Object.keys(errorReasons)).toContain(contract?.reason);
    },
    Math.max(60_000, numRuns * 500),
  );

  test('ends every stream it opened and logs no server fault (a late 5xx would show here)', async () => {
    await vi.waitFor(() => expect(server.scaleOut.subscriptions.activeStreams).toBe(0));
    const faults = server.logs.filter((line) => typeof line.level === 'number' && line.level >= 50);
    expect(faults.map((line) => line.msg)).toEqual([]);
  });
});
