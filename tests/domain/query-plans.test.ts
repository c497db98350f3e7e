/**
 * Each list and feed is one statement, and on ≥10,000 seeded articles (after ANALYZE) none of
 * their plans scans articles, favorites, follows or comments sequentially.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { demoPassword, seedDemoData } from '../../src/db/seed.ts';
import { signIn } from '../helpers/accounts.ts';
import { createApiClient, startTestServer, type RecordedStatement, type TestServer } from '../helpers/test-server.ts';

type Api = TestServer['api'];

/** Every statement the server under test sends. */
const statements: RecordedStatement[] = [];
let server: TestServer;
let viewer: Api;
let viewerName: string;
const guardedTables = new Set(['articles', 'favorites', 'follows', 'comments']);

beforeAll(async () => {
  server = await startTestServer({}, { recordStatements: statements });
  // Enough users that follows and favorites are tables the planner must not scan whole.
  await seedDemoData(server.db, { articles: 10_000, users: 1_000 });
  // A user who follows others and has favorites: the seed's first plain user.
  const row = await server.db
    .selectFrom('users')
    .select('username')
    .where('role', '=', 'user')
    .where((eb) => eb.exists(eb.selectFrom('favorites').select('favorites.userId').whereRef('favorites.userId', '=', 'users.id')))
    .orderBy('createdAt')
    .limit(1)
    .executeTakeFirstOrThrow();
  viewerName = row.username;
  const { token } = await signIn(server, viewerName, demoPassword);
  viewer = createApiClient(server.baseUrl, { authorization: `Bearer ${token}` });
}, 300_000);
afterAll(() => server.close());

/** Runs `call` and returns the statements it caused. */
async function statementsOf(call: () => Promise<unknown>): Promise<RecordedStatement[]> {
  await call(); // warm-up: the first authenticated call may refresh the session's last-use time
  statements.length = 0;
  await call();
  return [...statements];
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function sequentialScans(node: PlanNode): string[] {
  const own = node['Node Type'] === 'Seq Scan' && node['Relation Name'] && guardedTables.has(node['Relation Name']) ? [node['Relation Name']] : [];
  return [...own, ...(node.Plans ?? []).flatMap(sequentialScans)];
}

async function planOf(statement: RecordedStatement): Promise<PlanNode> {
  const result = await sql<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>`EXPLAIN (FORMAT JSON) ${sql.raw(inlineParameters(statement))}`.execute(server.db);
  const plan = result.rows[0]?.['QUERY PLAN'][0]?.Plan;
  if (!plan) throw new Error('no plan');
  return plan;
}

/** EXPLAIN cannot take bind parameters through Kysely's raw SQL; inline them as quoted literals. */
function inlineParameters(statement: RecordedStatement): string {
  return statement.sql.replace(/\$(\d+)/g, (_match, index: string) => {
    const value = statement.parameters[Number(index) - 1];
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'number') return String(value);
    if (value instanceof Date) return `'${value.toISOString()}'`;
    if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
    throw new Error(`cannot inline parameter ${JSON.stringify(value)}`);
  });
}

/** The statement that read articles (the procedure's own, not authentication's). */
function articleStatements(statements: RecordedStatement[]): RecordedStatement[] {
  return statements.filter((statement) => /from "articles"/i.test(statement.sql));
}

const maxStatementsPerList = 3; // authentication (session + user lookup, occasional touch) + the list itself

const cases: Array<[string, () => Promise<unknown>]> = [
  ['list', () => viewer.articles.list.query({ limit: 20 })],
  ['list, second page', async () => viewer.articles.list.query({ limit: 20, cursor: (await server.api.articles.list.query({ limit: 20 })).nextCursor ?? '' })],
  // Counting *every* live article must read them all; filtered counts stay on indexes.
  ['feed with count', () => viewer.articles.feed.query({ limit: 100, withCount: true })],
  ['by tag with count', () => viewer.articles.list.query({ tag: 'dragons', withCount: true })],
  ['feed', () => viewer.articles.feed.query({ limit: 20 })],
  ['by tag', () => viewer.articles.list.query({ tag: 'dragons' })],
  ['by author', () => viewer.articles.list.query({ author: 'demo_admin' })],
  ['favorited by', () => viewer.articles.list.query({ favoritedBy: viewerName })],
  ['by slug', async () => viewer.articles.bySlug.query({ slug: (await server.api.articles.list.query({ limit: 1 })).items[0]?.slug ?? '' })],
  ['comments', async () => viewer.comments.list.query({ slug: (await server.api.articles.list.query({ limit: 1 })).items[0]?.slug ?? '' })],
];

describe('one statement per list, indexed plans on 10,000 articles', () => {
  it('answers an anonymous list with exactly one statement, whatever the page size', async () => {
    for (const limit of [1, 100]) {
      const statements = await statementsOf(() => server.api.articles.list.query({ limit, withCount: true }));
      expect(statements).toHaveLength(1);
    }
  });

  it.each(cases)('%s: no sequential scan on articles, favorites, follows or comments', async (_name, call) => {
    // Some calls first look up a slug or cursor; the viewer's own request is the last statement.
    const statement = articleStatements(await statementsOf(call)).at(-1);
    if (!statement) throw new Error('the call read no articles');
    const plan = await planOf(statement);
    expect(sequentialScans(plan), JSON.stringify(plan)).toEqual([]);
  });

  it('a signed-in list or feed issues at most a fixed number of statements', async () => {
    for (const call of [() => viewer.articles.list.query({ limit: 100 }), () => viewer.articles.feed.query({ limit: 100, withCount: true })]) {
      const statements = await statementsOf(call);
      expect(statements.length).toBeLessThanOrEqual(maxStatementsPerList);
      expect(articleStatements(statements)).toHaveLength(1);
    }
  });
});
