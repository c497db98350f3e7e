/**
 * Prepares what the scenarios need on a seeded database, over the public API like any client:
 * a signed-in reader who follows a few authors (so the feed has rows), existing slugs, a tag.
 */
import { randomBytes } from 'node:crypto';

import superjson from 'superjson';

import type { BenchFixtures } from './scenarios.ts';
import { trpcQueryPath } from './scenarios.ts';

interface ListedArticle {
  slug: string;
  author: { username: string };
}

/** Calls one procedure; resolves `undefined` when the procedure does not exist (404). */
export async function callProcedure<T>(
  baseUrl: string,
  path: string,
  input: unknown,
  options: { type: 'query' | 'mutation'; token?: string },
): Promise<T | undefined> {
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const response =
    options.type === 'query'
      ? await fetch(`${baseUrl}${trpcQueryPath(path, input)}`, { headers })
      : await fetch(`${baseUrl}/trpc/${path}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: superjson.stringify(input),
        });
  if (response.status === 404) return undefined;
  const payload = (await response.json()) as { result?: { data: Parameters<typeof superjson.deserialize>[0] }; error?: unknown };
  if (!response.ok || !payload.result) {
    throw new Error(`${path} answered ${response.status}: ${JSON.stringify(payload.error ?? payload)}`);
  }
  return superjson.deserialize<T>(payload.result.data);
}

const minimumArticles = 20;

/**
 * On a build without the seeder, a few authors write a few articles through the API, so every
 * scenario still has rows to read (the numbers then say nothing about data size).
 */
async function writeFallbackArticles(baseUrl: string, suffix: string): Promise<void> {
  for (let authorIndex = 0; authorIndex < 3; authorIndex++) {
    const username = `bench_author_${suffix}_${authorIndex}`;
    const author = await callProcedure<{ token: string }>(
      baseUrl,
      'auth.register',
      { email: `${username}@bench.example`, username, password: `bench-password-${suffix}` },
      { type: 'mutation' },
    );
    for (let articleIndex = 0; articleIndex < 10; articleIndex++) {
      await callProcedure(
        baseUrl,
        'articles.create',
        {
          title: `Bench fallback ${suffix} ${authorIndex}-${articleIndex}`,
          description: 'Written by the benchmark suite because this build has no seeder',
          body: 'Body text. '.repeat(50),
          tagList: ['bench', `topic${articleIndex % 4}`],
        },
        { type: 'mutation', token: author!.token },
      );
    }
  }
}

/**
 * @example const fixtures = await prepareFixtures(server.baseUrl);
 */
export async function prepareFixtures(baseUrl: string): Promise<BenchFixtures> {
  const suffix = randomBytes(3).toString('hex');
  const login = `bench_reader_${suffix}`;
  const password = `bench-password-${suffix}`;
  const grant = await callProcedure<{ token: string }>(
    baseUrl,
    'auth.register',
    { email: `${login}@bench.example`, username: login, password },
    { type: 'mutation' },
  );
  if (!grant) throw new Error('auth.register is missing: the suite cannot sign in');

  let page = await callProcedure<{ items: ListedArticle[] }>(baseUrl, 'articles.list', { limit: 100 }, { type: 'query' });
  if (page && page.items.length < minimumArticles) {
    await writeFallbackArticles(baseUrl, suffix);
    page = await callProcedure<{ items: ListedArticle[] }>(baseUrl, 'articles.list', { limit: 100 }, { type: 'query' });
  }
  const articles = page?.items ?? [];
  const authors = [...new Set(articles.map((article) => article.author.username))].slice(0, 20);
  for (const username of authors) {
    await callProcedure(baseUrl, 'profiles.follow', { username }, { type: 'mutation', token: grant.token });
  }
  const tags = await callProcedure<Array<{ tag?: string; name?: string } | string>>(baseUrl, 'tags.popular', {}, { type: 'query' });
  const firstTag = tags?.[0];
  const tag = typeof firstTag === 'string' ? firstTag : (firstTag?.tag ?? firstTag?.name);
  return { token: grant.token, login, password, slugs: articles.map((article) => article.slug), tag };
}
