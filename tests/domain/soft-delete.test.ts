import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { createArticle, failure } from './domain-helpers.ts';

let server: TestServer;
let author: TestAccount;
let reader: TestAccount;
let deletedSlug: string;
const tag = `gone${Date.now().toString(36)}`;

beforeAll(async () => {
  server = await startTestServer({ POPULAR_TAGS_CACHE_MS: '0' });
  [author, reader] = await Promise.all([registerAccount(server), registerAccount(server)]);
  await reader.api.profiles.follow.mutate({ username: author.username });
  const kept = await createArticle(author, { tagList: ['kept'] });
  const deleted = await createArticle(author, { tagList: [tag] });
  deletedSlug = deleted.slug;
  await reader.api.articles.favorite.mutate({ slug: deleted.slug });
  await reader.api.articles.favorite.mutate({ slug: kept.slug });
  await reader.api.comments.add.mutate({ slug: deleted.slug, body: 'on a deleted article' });
  await author.api.articles.delete.mutate({ slug: deleted.slug });
});
afterAll(() => server.close());

describe('a deleted article vanishes from every read path', () => {
  it('bySlug', async () => {
    expect(await failure(server.api.articles.bySlug.query({ slug: deletedSlug }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('the global list and its count', async () => {
    const page = await server.api.articles.list.query({ author: author.username, withCount: true });
    expect(page.items.map((item) => item.slug)).not.toContain(deletedSlug);
    expect(page.totalCount).toBe(1);
  });

  it('the unfiltered count (kept by triggers) equals a count of live rows, through delete and a hard delete', async () => {
    const liveRows = async () => {
      const row = await server.db.selectFrom('articles').where('deletedAt', 'is', null).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    };
    const before = await server.api.articles.list.query({ limit: 1, withCount: true });
    expect(before.totalCount).toBe(await liveRows());
    const extra = await createArticle(author, {});
    expect((await server.api.articles.list.query({ limit: 1, withCount: true })).totalCount).toBe((before.totalCount ?? 0) + 1);
    await author.api.articles.delete.mutate({ slug: extra.slug });
    expect((await server.api.articles.list.query({ limit: 1, withCount: true })).totalCount).toBe(before.totalCount);
    // A hard delete (the cascade from a deleted account) of a deleted and a live article.
    const doomed = await createArticle(author, {});
    await server.db.deleteFrom('articles').where('id', 'in', (eb) => eb.selectFrom('articles').select('id').where('slug', 'in', [doomed.slug, extra.slug])).execute();
    expect((await server.api.articles.list.query({ limit: 1, withCount: true })).totalCount).toBe(await liveRows());
  });

  it('the feed', async () => {
    const feed = await reader.api.articles.feed.query({ withCount: true });
    expect(feed.items.map((item) => item.slug)).not.toContain(deletedSlug);
    expect(feed.totalCount).toBe(1);
  });

  it('by tag', async () => {
    await expect(server.api.articles.list.query({ tag, withCount: true })).resolves.toMatchObject({ items: [], totalCount: 0 });
  });

  it('favorited-by', async () => {
    const page = await server.api.articles.list.query({ favoritedBy: reader.username, withCount: true });
    expect(page.items.map((item) => item.slug)).not.toContain(deletedSlug);
    expect(page.totalCount).toBe(1);
  });

  it('popular tags', async () => {
    const { tags } = await server.api.tags.popular.query({ limit: 100 });
    expect(tags).toContain('kept');
    expect(tags).not.toContain(tag);
  });

  it('its comments, favorites and new comments', async () => {
    expect(await failure(server.api.comments.list.query({ slug: deletedSlug }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(reader.api.articles.favorite.mutate({ slug: deletedSlug }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(reader.api.comments.add.mutate({ slug: deletedSlug, body: 'x' }))).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('a deleted comment vanishes', () => {
  it('from the comment list', async () => {
    const article = await createArticle(author);
    const kept = await reader.api.comments.add.mutate({ slug: article.slug, body: 'kept' });
    const gone = await reader.api.comments.add.mutate({ slug: article.slug, body: 'gone' });
    await reader.api.comments.delete.mutate({ slug: article.slug, id: gone.id });
    const { items } = await server.api.comments.list.query({ slug: article.slug });
    expect(items.map((comment) => comment.id)).toEqual([kept.id]);
    expect(items[0]).toEqual({ id: kept.id, body: 'kept', createdAt: expect.any(Date), updatedAt: expect.any(Date), author: { username: reader.username, bio: '', image: null, following: false } });
  });
});
