import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount } from '../helpers/accounts.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { createArticle, failure } from './domain-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('articles', () => {
  it('creates an article with the documented shape and a slug from its title', async () => {
    const alice = await registerAccount(server);
    const article = await alice.api.articles.create.mutate({
      title: 'Déjà Vu: How to Train Your Dragon',
      description: 'Ever wonder how?',
      body: 'You have to believe',
      tagList: [' Dragons ', 'training', 'DRAGONS'],
    });
    expect(article).toEqual({
      slug: 'deja-vu-how-to-train-your-dragon',
      title: 'Déjà Vu: How to Train Your Dragon',
      description: 'Ever wonder how?',
      body: 'You have to believe',
      tagList: ['dragons', 'training'],
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
      favorited: false,
      favoritesCount: 0,
      author: { username: alice.username, bio: '', image: null, following: false },
    });
  });

  it('keeps non-Latin titles readable in the slug', async () => {
    const alice = await registerAccount(server);
    const article = await createArticle(alice, { title: '日本語のタイトル' });
    expect(article.slug).toBe('日本語のタイトル');
    await expect(server.api.articles.bySlug.query({ slug: article.slug })).resolves.toMatchObject({ title: '日本語のタイトル' });
  });

  it('gives a second article with the same title a different slug', async () => {
    const alice = await registerAccount(server);
    const first = await createArticle(alice, { title: 'Same title twice' });
    const second = await createArticle(alice, { title: 'Same title twice' });
    expect(first.slug).toBe('same-title-twice');
    expect(second.slug).toMatch(/^same-title-twice-[0-9a-f]{6}$/);
  });

  it('changes the slug with the title and does not hand the old slug to another article', async () => {
    const alice = await registerAccount(server);
    const original = await createArticle(alice, { title: 'Original headline' });
    const renamed = await alice.api.articles.update.mutate({ slug: original.slug, title: 'Better headline' });
    expect(renamed.slug).toBe('better-headline');
    expect(await failure(server.api.articles.bySlug.query({ slug: 'original-headline' }))).toMatchObject({ reason: 'NOT_FOUND' });
    const other = await createArticle(alice, { title: 'Original headline' });
    expect(other.slug).not.toBe('original-headline');
  });

  it('lists without body, newest first, with tags, author and counts', async () => {
    const bob = await registerAccount(server);
    const first = await createArticle(bob, { tagList: ['listing'] });
    const second = await createArticle(bob, { tagList: ['listing', 'second'] });
    const page = await server.api.articles.list.query({ author: bob.username });
    expect(page.items.map((item) => item.slug)).toEqual([second.slug, first.slug]);
    expect(page.items[0]).not.toHaveProperty('body');
    expect(page.items[0]).toMatchObject({ tagList: ['listing', 'second'], favoritesCount: 0, favorited: false, author: { username: bob.username } });
    expect(page.nextCursor).toBeNull();
  });

  it('filters by tag, author and favoritedBy, and counts when asked', async () => {
    const carol = await registerAccount(server);
    const dave = await registerAccount(server);
    const tagged = await createArticle(carol, { tagList: ['rare-tag-x'] });
    await createArticle(carol);
    await dave.api.articles.favorite.mutate({ slug: tagged.slug });
    const byTag = await server.api.articles.list.query({ tag: 'RARE-TAG-X', withCount: true });
    expect(byTag.items.map((item) => item.slug)).toEqual([tagged.slug]);
    expect(byTag.totalCount).toBe(1);
    const favorited = await dave.api.articles.list.query({ favoritedBy: dave.username });
    expect(favorited.items).toMatchObject([{ slug: tagged.slug, favorited: true, favoritesCount: 1 }]);
    expect((await server.api.articles.list.query({ author: carol.username, withCount: true })).totalCount).toBe(2);
  });

  it('rejects a malformed cursor with INVALID_CURSOR', async () => {
    for (const cursor of ['not a cursor', 'e30', Buffer.from('["yesterday","x"]').toString('base64url')]) {
      expect(await failure(server.api.articles.list.query({ cursor }))).toMatchObject({ reason: 'INVALID_CURSOR', httpStatus: 400 });
    }
  });

  it('rejects inputs over the limits with VALIDATION_ERROR naming the field', async () => {
    const erin = await registerAccount(server);
    const cases = [
      [{ title: 'x'.repeat(201), description: '', body: '', tagList: [] }, 'title'],
      [{ title: 't', description: 'x'.repeat(1001), body: '', tagList: [] }, 'description'],
      [{ title: 't', description: '', body: 'x'.repeat(100_001), tagList: [] }, 'body'],
      [{ title: 't', description: '', body: '', tagList: Array.from({ length: 11 }, (_, i) => `tag${i}`) }, 'tagList'],
      [{ title: 't', description: '', body: '', tagList: ['x'.repeat(33)] }, 'tagList.0'],
    ] as const;
    for (const [input, path] of cases) {
      const data = await failure(erin.api.articles.create.mutate({ ...input, tagList: [...input.tagList] }));
      expect(data).toMatchObject({ reason: 'VALIDATION_ERROR' });
      expect(data?.issues?.map((issue) => issue.path)).toContain(path);
    }
  });

  it('refuses to let a user set counts or authorship through input', async () => {
    const frank = await registerAccount(server);
    const data = await failure(
      frank.api.articles.create.mutate({ title: 't', description: '', body: '', tagList: [], favoritesCount: 99 } as never),
    );
    expect(data).toMatchObject({ reason: 'VALIDATION_ERROR' });
  });
});
