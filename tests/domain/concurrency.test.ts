import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { createArticle } from './domain-helpers.ts';

let server: TestServer;
let author: TestAccount;
beforeAll(async () => {
  server = await startTestServer({ DB_POOL_MAX: '20' });
  author = await registerAccount(server);
});
afterAll(() => server.close());

describe('favorites under concurrency', () => {
  it('keeps favoritesCount exact under 50 concurrent favorite/unfavorite calls', async () => {
    const article = await createArticle(author);
    const fans = await Promise.all(Array.from({ length: 10 }, () => registerAccount(server)));
    // Each fan favorites three times and unfavorites twice, all at once, in random order.
    const calls = fans.flatMap((fan) => [
      ...Array.from({ length: 3 }, () => () => fan.api.articles.favorite.mutate({ slug: article.slug })),
      ...Array.from({ length: 2 }, () => () => fan.api.articles.unfavorite.mutate({ slug: article.slug })),
    ]);
    calls.sort(() => Math.random() - 0.5);
    expect(calls).toHaveLength(50);
    await Promise.all(calls.map((call) => call()));

    const stored = await server.db.selectFrom('articles').select('favoritesCount').where('slug', '=', article.slug).executeTakeFirstOrThrow();
    const rows = await server.db
      .selectFrom('favorites')
      .innerJoin('articles', 'articles.id', 'favorites.articleId')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('articles.slug', '=', article.slug)
      .executeTakeFirstOrThrow();
    expect(stored.favoritesCount).toBe(Number(rows.count));
    await expect(server.api.articles.bySlug.query({ slug: article.slug })).resolves.toMatchObject({ favoritesCount: Number(rows.count) });
  });

  it('counts each user once however often they favorite', async () => {
    const article = await createArticle(author);
    const fans = await Promise.all(Array.from({ length: 5 }, () => registerAccount(server)));
    await Promise.all(fans.flatMap((fan) => Array.from({ length: 10 }, () => fan.api.articles.favorite.mutate({ slug: article.slug }))));
    await expect(server.api.articles.bySlug.query({ slug: article.slug })).resolves.toMatchObject({ favoritesCount: 5 });
  });
});

describe('pagination while articles are inserted', () => {
  it('pages through every existing article exactly once while new ones arrive', async () => {
    const writer = await registerAccount(server);
    const existing: string[] = [];
    for (let i = 0; i < 25; i++) existing.push((await createArticle(writer)).slug);

    const seen: string[] = [];
    let cursor: string | undefined;
    let inserted = 0;
    do {
      // Insert a new article between every two page reads (and during them).
      const [page] = await Promise.all([
        server.api.articles.list.query({ author: writer.username, limit: 4, ...(cursor !== undefined && { cursor }) }),
        createArticle(writer).then(() => (inserted += 1)),
      ]);
      seen.push(...page.items.map((item) => item.slug));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);

    expect(inserted).toBeGreaterThan(5);
    expect(new Set(seen).size).toBe(seen.length);
    for (const slug of existing) expect(seen).toContain(slug);
  });
});
