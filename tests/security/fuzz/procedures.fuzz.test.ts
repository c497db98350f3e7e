/**
 * Property-based fuzzing of every tRPC query and mutation over HTTP, with inputs generated from
 * each procedure's own zod schema: valid ones, hostile strings, and deliberately invalid ones.
 * Whoever calls (anonymous, a user, an admin), the answer is a success or a 4xx carrying the
 * error contract — never a 5xx — and the database invariants hold after the run.
 *
 * Default size: FUZZ_RUNS=300 (CI). Nightly: `npm run test:fuzz` (10,000 cases). A failure prints
 * the seed and path; replay it with `FUZZ_SEED=<seed> FUZZ_PATH=<path> npm run test:fuzz`.
 */
import { fc, test } from '@fast-check/vitest';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { z } from 'zod';

import { errorReasons } from '../../../src/lib/errors.ts';
import { appRouter } from '../../../src/trpc/router.ts';
import { registerAccount, type TestAccount } from '../../helpers/accounts.ts';
import { createUnbatchedApiClient, startTestServer, type TestServer } from '../../helpers/test-server.ts';
import { auditRowCount, brokenInvariants } from './db-invariants.ts';
import { inputJsonSchema, invalidArbitrary, validArbitrary, type KnownValues } from './input-arbitrary.ts';

const numRuns = Number(process.env.FUZZ_RUNS ?? 300);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const path = process.env.FUZZ_PATH;

type Caller = 'anonymous' | 'user' | 'admin';

/** Procedures that end the caller's own session would blind the rest of the run; they run anonymously. */
const anonymousOnly = new Set(['auth.logout']);

const known: KnownValues = { usernames: [], slugs: [], emails: [] };

interface FuzzTarget {
  path: string;
  type: 'query' | 'mutation';
  input: fc.Arbitrary<unknown>;
}

function fuzzTargets(): FuzzTarget[] {
  const targets: FuzzTarget[] = [];
  for (const [procedurePath, procedure] of Object.entries(appRouter._def.procedures)) {
    // The router's procedure records are typed loosely by tRPC; `_def` is its documented shape.
    const def = (procedure as unknown as { _def: { type: string; inputs: z.ZodType[] } })._def;
    // Subscriptions are long-lived streams with their own limit tests (tests/realtime).
    if (def.type !== 'query' && def.type !== 'mutation') continue;
    const schema = inputJsonSchema(def.inputs);
    const input = schema
      ? fc.oneof({ weight: 3, arbitrary: validArbitrary(schema, '', known) }, { weight: 2, arbitrary: invalidArbitrary(schema, known) })
      : fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 }));
    targets.push({ path: procedurePath, type: def.type, input });
  }
  return targets;
}

const targets = fuzzTargets();

const targetsByPath = new Map(targets.map((target) => [target.path, target]));

// Cases carry the procedure's path (not its arbitrary), so a failing case prints readably.
const fuzzCase = fc.constantFrom(...targets.map((target) => target.path)).chain((procedurePath) =>
  fc.record({
    procedurePath: fc.constant(procedurePath),
    caller: anonymousOnly.has(procedurePath) ? fc.constant<Caller>('anonymous') : fc.constantFrom<Caller>('anonymous', 'user', 'admin'),
    input: targetsByPath.get(procedurePath)!.input,
  }),
);

describe('Fuzzing: every procedure, generated from its zod schema (API8:2023, ASVS 5.1.3, 5.1.4, 7.4.1)', () => {
  let server: TestServer;
  let user: TestAccount;
  let admin: TestAccount;
  let auditRowsBefore = 0;
  const clients = new Map<Caller, ReturnType<typeof createUnbatchedApiClient>>();

  beforeAll(async () => {
    server = await startTestServer();
    user = await registerAccount(server);
    admin = await registerAccount(server);
    await server.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.id).execute();
    const victims = await Promise.all([registerAccount(server), registerAccount(server)]);
    for (const victim of victims) {
      const article = await victim.api.articles.create.mutate({ title: `Fuzz target by ${victim.username}`, description: 'd', body: 'b', tagList: ['fuzz'] });
      await victim.api.comments.add.mutate({ slug: article.slug, body: 'first' });
      known.slugs.push(article.slug);
    }
    const ownArticle = await user.api.articles.create.mutate({ title: 'The fuzzer’s own article', description: 'd', body: 'b', tagList: [] });
    known.slugs.push(ownArticle.slug, 'no-such-article');
    // Callers are left out of the admin targets (suspending them would end the run's coverage).
    known.usernames.push(...victims.map((victim) => victim.username), 'nobody_at_all');
    known.emails.push(...victims.map((victim) => victim.email), user.email);
    clients.set('anonymous', createUnbatchedApiClient(server.baseUrl));
    clients.set('user', createUnbatchedApiClient(server.baseUrl, { authorization: `Bearer ${user.token}` }));
    clients.set('admin', createUnbatchedApiClient(server.baseUrl, { authorization: `Bearer ${admin.token}` }));
    auditRowsBefore = await auditRowCount(server.db);
  });
  afterAll(() => server.close());

  test.prop([fuzzCase], { numRuns, ...(seed !== undefined && { seed }), ...(path !== undefined && { path }) })(
    'answers every generated call with success or a 4xx in the error contract, never a 5xx',
    async ({ procedurePath, caller, input }) => {
      const target = targetsByPath.get(procedurePath)!;
      const client = clients.get(caller);
      // The client proxy is keyed by path segments; walking it by a runtime path loses its static type.
      const procedure = target.path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], client) as {
        query(input: unknown): Promise<unknown>;
        mutate(input: unknown): Promise<unknown>;
      };
      try {
        await (target.type === 'query' ? procedure.query(input) : procedure.mutate(input));
      } catch (error) {
        if (!(error instanceof TRPCClientError)) throw error;
        // A query whose URL passes Node's 16 KiB header limit gets 431 HEADERS_TOO_LARGE, in the contract too.
        const data = error.data as { httpStatus?: number; reason?: string } | undefined;
        expect(data, `${target.path} answered without the error contract: ${error.message}`).toBeDefined();
        expect(data?.httpStatus, `${target.path} as ${caller}: ${data?.reason} ${error.message}`).toBeGreaterThanOrEqual(400);
        expect(data?.httpStatus, `${target.path} as ${caller}: ${data?.reason} ${error.message}`).toBeLessThan(500);
        expect(Object.keys(errorReasons)).toContain(data?.reason);
      }
    },
    Math.max(60_000, numRuns * 250),
  );

  test('leaves every database invariant intact after the run (counts match rows, no orphans, no article without author)', async () => {
    expect(await brokenInvariants(server.db)).toEqual([]);
  });

  test('only ever appends to the audit log', async () => {
    expect(await auditRowCount(server.db)).toBeGreaterThanOrEqual(auditRowsBefore);
  });
});
