import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isDatabaseEmpty, seedDemoData } from '../../src/db/seed.ts';
import { registerAccount } from '../helpers/accounts.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { createArticle } from './domain-helpers.ts';

let first: TestServer;
let second: TestServer;
beforeAll(async () => {
  [first, second] = await Promise.all([startTestServer(), startTestServer({ POPULAR_TAGS_CACHE_MS: '0' })]);
});
afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
});

async function contentOf(server: TestServer) {
  const { rows } = await sql<{ slug: string; title: string; favoritesCount: number; counted: number; tags: string[] }>`
    SELECT a.slug, a.title, a.favorites_count,
           (SELECT count(*)::int FROM favorites f WHERE f.article_id = a.id) AS counted,
           (SELECT array_agg(t.name ORDER BY at.position) FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id) AS tags
    FROM articles a ORDER BY a.created_at, a.id`.execute(server.db);
  return rows;
}

describe('demo data', () => {
  it('seeds the same content into two empty databases, with exact favorite counts', async () => {
    expect(await isDatabaseEmpty(first.db)).toBe(true);
    const [summary] = await Promise.all([seedDemoData(first.db, { articles: 300 }), seedDemoData(second.db, { articles: 300 })]);
    expect(summary).toMatchObject({ users: 40, articles: 300, tags: 20 });
    expect(summary.comments).toBeGreaterThan(0);
    expect(summary.follows).toBeGreaterThan(0);
    const [a, b] = await Promise.all([contentOf(first), contentOf(second)]);
    expect(a).toEqual(b);
    for (const row of a) expect(row.favoritesCount).toBe(row.counted);
    expect(await isDatabaseEmpty(first.db)).toBe(false);
  });

  it('serves seeded articles through the API', async () => {
    const page = await first.api.articles.list.query({ limit: 5, withCount: true });
    expect(page.items).toHaveLength(5);
    expect(page.totalCount).toBe(300);
    expect(page.items[0]?.author.username).toMatch(/^[a-z_]+\d*$/);
  });
});

describe('tags.popular', () => {
  it('orders tags by use among live articles and shows a new tag at once when the cache is off', async () => {
    const author = await registerAccount(second);
    await createArticle(author, { tagList: ['brand-new-tag'] });
    const { tags } = await second.api.tags.popular.query({ limit: 100 });
    expect(tags).toContain('brand-new-tag');
    expect(tags.indexOf('brand-new-tag')).toBe(tags.length - 1);
  });

  it('limits the answer', async () => {
    await expect(first.api.tags.popular.query({ limit: 3 })).resolves.toMatchObject({ tags: expect.any(Array) });
    expect((await first.api.tags.popular.query({ limit: 3 })).tags).toHaveLength(3);
  });
});
