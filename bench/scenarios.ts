/**
 * What the suite measures. Each scenario is one HTTP request shape, optionally varied per
 * request (slugs rotate, created titles are unique); tRPC and REST scenarios name the raw
 * baseline they are compared against in the same run.
 */
import type autocannon from 'autocannon';
import superjson from 'superjson';

/** Data the scenarios need, prepared once per database size (see fixtures.ts). */
export interface BenchFixtures {
  /** Session token of the bench's signed-in reader (sent as `Authorization: Bearer`). */
  token: string;
  login: string;
  password: string;
  /** Slugs of existing articles; by-slug scenarios rotate through them. */
  slugs: string[];
  /** A tag that has articles, for `tags.popular`-adjacent scenarios. */
  tag: string | undefined;
}

export type ScenarioKind = 'baseline' | 'trpc' | 'rest';

export interface Scenario {
  id: string;
  /** What the report prints. */
  label: string;
  kind: ScenarioKind;
  /** The baseline scenario this one is divided by; throughput ratio = this / baseline. */
  baselineId?: string;
  /** Also runs at every data size for the scale curve. */
  isScaleCurve: boolean;
  /** Records the server's event-loop delay (argon2 must stay off the loop). */
  watchesEventLoop: boolean;
  /** The requests of one iteration; autocannon cycles through them on each connection. */
  requests(fixtures: BenchFixtures): autocannon.Request[];
}

export const listLimit = 20;

/** `/trpc/<path>?input=…` for a query, superjson-encoded as every tRPC client sends it. */
export function trpcQueryPath(path: string, input: unknown): string {
  return `/trpc/${path}?input=${encodeURIComponent(superjson.stringify(input))}`;
}

function bearer(fixtures: BenchFixtures): Record<string, string> {
  return { authorization: `Bearer ${fixtures.token}` };
}

/** One GET whose path changes on every request (cycling through `paths`). */
function rotatingGet(paths: string[], headers: Record<string, string> = {}): autocannon.Request[] {
  // No paths (an empty database): no requests, and the probe reports the scenario as missing.
  if (paths.length === 0) return [];
  let next = 0;
  return [
    {
      method: 'GET',
      headers,
      setupRequest(request) {
        request.path = paths[next++ % paths.length]!;
        return request;
      },
    },
  ];
}

function jsonPost(path: string, headers: Record<string, string>, body: () => string): autocannon.Request[] {
  return [
    {
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', ...headers },
      setupRequest(request) {
        request.body = body();
        return request;
      },
    },
  ];
}

const createRunId = Date.now().toString(36);

/**
 * Every scenario, in the order they run: each baseline is followed at once by the tRPC and REST
 * scenarios divided by it, so a ratio compares measurements seconds apart rather than a minute
 * (on a shared machine, load drifts within a round); reads first, writes and logins last.
 */
export const scenarios: Scenario[] = [
  {
    id: 'baseline.noop',
    label: 'raw Fastify no-op',
    kind: 'baseline',
    isScaleCurve: false,
    watchesEventLoop: false,
    requests: () => [{ method: 'GET', path: '/bench/raw/noop' }],
  },
  {
    id: 'trpc.health.ping',
    label: 'tRPC health.ping (no-op)',
    kind: 'trpc',
    baselineId: 'baseline.noop',
    isScaleCurve: false,
    watchesEventLoop: false,
    requests: () => [{ method: 'GET', path: trpcQueryPath('health.ping', undefined) }],
  },
  {
    id: 'baseline.articles.list',
    label: 'raw Fastify articles list',
    kind: 'baseline',
    isScaleCurve: true,
    watchesEventLoop: false,
    requests: () => [{ method: 'GET', path: `/bench/raw/articles?limit=${listLimit}` }],
  },
  {
    id: 'trpc.articles.list',
    label: 'tRPC articles.list (anonymous)',
    kind: 'trpc',
    baselineId: 'baseline.articles.list',
    isScaleCurve: true,
    watchesEventLoop: false,
    requests: () => [{ method: 'GET', path: trpcQueryPath('articles.list', { limit: listLimit }) }],
  },
  {
    id: 'rest.articles.list',
    label: 'REST GET /api/articles',
    kind: 'rest',
    baselineId: 'baseline.articles.list',
    isScaleCurve: false,
    watchesEventLoop: false,
    requests: () => [{ method: 'GET', path: `/api/articles?limit=${listLimit}` }],
  },
  {
    id: 'trpc.articles.list.signedIn',
    label: 'tRPC articles.list (signed in)',
    kind: 'trpc',
    baselineId: 'baseline.articles.list',
    isScaleCurve: false,
    watchesEventLoop: false,
    requests: (fixtures) => [{ method: 'GET', path: trpcQueryPath('articles.list', { limit: listLimit }), headers: bearer(fixtures) }],
  },
  {
    id: 'trpc.articles.feed',
    label: 'tRPC articles.feed',
    kind: 'trpc',
    isScaleCurve: true,
    watchesEventLoop: false,
    requests: (fixtures) => [{ method: 'GET', path: trpcQueryPath('articles.feed', { limit: listLimit }), headers: bearer(fixtures) }],
  },
  {
    id: 'baseline.articles.bySlug',
    label: 'raw Fastify article by slug',
    kind: 'baseline',
    isScaleCurve: true,
    watchesEventLoop: false,
    requests: (fixtures) => rotatingGet(fixtures.slugs.map((slug) => `/bench/raw/articles/${encodeURIComponent(slug)}`)),
  },
  {
    id: 'trpc.articles.bySlug',
    label: 'tRPC articles.bySlug',
    kind: 'trpc',
    baselineId: 'baseline.articles.bySlug',
    isScaleCurve: true,
    watchesEventLoop: false,
    requests: (fixtures) => rotatingGet(fixtures.slugs.map((slug) => trpcQueryPath('articles.bySlug', { slug }))),
  },
  {
    id: 'rest.articles.bySlug',
    label: 'REST GET /api/articles/:slug',
    kind: 'rest',
    baselineId: 'baseline.articles.bySlug',
    isScaleCurve: false,
    watchesEventLoop: false,
    requests: (fixtures) => rotatingGet(fixtures.slugs.map((slug) => `/api/articles/${encodeURIComponent(slug)}`)),
  },
  {
    id: 'trpc.comments.list',
    label: 'tRPC comments.list',
    kind: 'trpc',
    isScaleCurve: false,
    watchesEventLoop: false,
    requests: (fixtures) => rotatingGet(fixtures.slugs.map((slug) => trpcQueryPath('comments.list', { slug }))),
  },
  {
    id: 'trpc.tags.popular',
    label: 'tRPC tags.popular',
    kind: 'trpc',
    isScaleCurve: false,
    watchesEventLoop: false,
    requests: () => [{ method: 'GET', path: trpcQueryPath('tags.popular', {}) }],
  },
  {
    id: 'trpc.batch3',
    label: 'tRPC batch: list + bySlug + tags',
    kind: 'trpc',
    isScaleCurve: false,
    watchesEventLoop: false,
    requests: (fixtures) =>
      rotatingGet(
        fixtures.slugs.map((slug) => {
          const input = {
            0: superjson.serialize({ limit: listLimit }),
            1: superjson.serialize({ slug }),
            2: superjson.serialize({}),
          };
          return `/trpc/articles.list,articles.bySlug,tags.popular?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
        }),
      ),
  },
  {
    id: 'trpc.articles.create',
    label: 'tRPC articles.create (write)',
    kind: 'trpc',
    isScaleCurve: false,
    watchesEventLoop: false,
    requests: (fixtures) => {
      let counter = 0;
      return jsonPost('/trpc/articles.create', bearer(fixtures), () =>
        JSON.stringify(
          superjson.serialize({
            title: `Bench article ${createRunId} ${counter++}`,
            description: 'Written by the benchmark suite',
            body: 'A short body. '.repeat(20),
            tagList: ['bench', fixtures.tag ?? 'conduit'],
          }),
        ),
      );
    },
  },
  {
    id: 'trpc.auth.login',
    label: 'tRPC auth.login (argon2)',
    kind: 'trpc',
    isScaleCurve: false,
    watchesEventLoop: true,
    requests: (fixtures) =>
      jsonPost('/trpc/auth.login', {}, () => JSON.stringify(superjson.serialize({ login: fixtures.login, password: fixtures.password }))),
  },
];
