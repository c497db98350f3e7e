import { sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DB } from '../../src/db/schema.ts';
import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { eventually } from '../helpers/polling.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { createArticle } from './domain-helpers.ts';

let server: TestServer;
let author: TestAccount;
beforeAll(async () => {
  server = await startTestServer({ DB_POOL_MAX: '20' });
  author = await registerAccount(server);
});
afterAll(() => server.close());

/** How many backends of this test's database wait on a lock: how a test knows a call is parked. */
async function backendsWaitingOnLocks(): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(server.db);
  return rows[0]?.n ?? 0;
}

/** Resolves once `count` backends wait on locks (or `isSettled()`, when given, says the other side got through). */
function untilWaiting(count: number, isSettled: () => boolean = () => false): Promise<true> {
  return eventually(async () => (isSettled() || (await backendsWaitingOnLocks()) >= count ? true : undefined), 10_000, `${count} backends waiting on locks`);
}

/** Holds a lock in a transaction until `release()`; `change` then runs in it before it commits. */
async function holdLock(lock: (trx: Transaction<DB>) => Promise<unknown>, change: (trx: Transaction<DB>) => Promise<unknown> = async () => {}) {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding = () => {};
  const held = new Promise<void>((resolve) => (holding = resolve));
  const committed = server.db.transaction().execute(async (trx) => {
    await lock(trx);
    holding();
    await released;
    await change(trx);
  });
  await held;
  return {
    async commit() {
      release();
      await committed;
    },
  };
}

async function articleIdOf(slug: string): Promise<string> {
  return (await server.db.selectFrom('articles').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
}

/** Renames the article in `trx` the way updateArticle does: reserve the new slug, then move to it. */
async function renameArticle(trx: Transaction<DB>, articleId: string, newSlug: string): Promise<void> {
  await trx.insertInto('articleSlugs').values({ slug: newSlug, articleId }).execute();
  await trx.updateTable('articles').set({ slug: newSlug }).where('id', '=', articleId).execute();
}

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

describe('favorites racing a delete or a rename', () => {
  /** Favorites `slug` while a transaction holds the article FOR UPDATE (as a delete or edit does) and makes `change` once the favorite waits. */
  async function favoriteDuring(fan: TestAccount, slug: string, change: (trx: Transaction<DB>) => Promise<unknown>) {
    const holder = await holdLock((trx) => trx.selectFrom('articles').select('id').where('slug', '=', slug).forUpdate().execute(), change);
    const favoriting = Promise.allSettled([fan.api.articles.favorite.mutate({ slug })]);
    await untilWaiting(1);
    await holder.commit();
    const [outcome] = await favoriting;
    return outcome;
  }

  async function favoriteTraces(articleId: string) {
    const article = await server.db.selectFrom('articles').select('favoritesCount').where('id', '=', articleId).executeTakeFirstOrThrow();
    const favorites = await server.db.selectFrom('favorites').select('userId').where('articleId', '=', articleId).execute();
    const events = await server.db.selectFrom('events').select('id').where('articleId', '=', articleId).where('type', '=', 'article.favorited').execute();
    return { favoritesCount: article.favoritesCount, favorites: favorites.length, events: events.length };
  }

  it('writes nothing for a favorite of an article deleted while it waited (no count, no notification)', async () => {
    const article = await createArticle(author);
    const articleId = await articleIdOf(article.slug);
    const fan = await registerAccount(server);
    const outcome = await favoriteDuring(fan, article.slug, (trx) => trx.updateTable('articles').set({ deletedAt: new Date() }).where('id', '=', articleId).execute());
    expect(outcome).toMatchObject({ status: 'rejected', reason: { data: { code: 'NOT_FOUND' } } });
    await expect(favoriteTraces(articleId)).resolves.toEqual({ favoritesCount: 0, favorites: 0, events: 0 });
  });

  it('writes nothing for a favorite by a slug the article was renamed from while it waited (old slugs do not redirect)', async () => {
    const article = await createArticle(author);
    const articleId = await articleIdOf(article.slug);
    const fan = await registerAccount(server);
    const outcome = await favoriteDuring(fan, article.slug, (trx) => renameArticle(trx, articleId, `${article.slug}-renamed`));
    expect(outcome).toMatchObject({ status: 'rejected', reason: { data: { code: 'NOT_FOUND' } } });
    await expect(favoriteTraces(articleId)).resolves.toEqual({ favoritesCount: 0, favorites: 0, events: 0 });
  });

  it('answers an edit that committed with the article, even when a rename lands right after it', async () => {
    const article = await createArticle(author);
    const articleId = await articleIdOf(article.slug);
    // The answer's author profile reads `follows`: holding that table parks the edit at its answer.
    const holder = await holdLock((trx) => sql`LOCK TABLE follows IN ACCESS EXCLUSIVE MODE`.execute(trx));
    const editing = Promise.allSettled([author.api.articles.update.mutate({ slug: article.slug, body: 'edited' })]);
    await untilWaiting(1);
    let isRenamed = false;
    const renaming = server.db
      .transaction()
      .execute((trx) => renameArticle(trx, articleId, `${article.slug}-renamed`))
      .finally(() => (isRenamed = true));
    // The rename either commits at once or waits behind the edit.
    await untilWaiting(2, () => isRenamed);
    await holder.commit();
    await renaming;
    const [edited] = await editing;
    expect(edited).toMatchObject({ status: 'fulfilled', value: { slug: article.slug, body: 'edited' } });
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
