/**
 * Favorites are composite-key rows; `articles.favorites_count` follows them through a trigger in
 * the same statement, so the count is exact however many calls race.
 */
import type { Transaction } from 'kysely';

import type { Database } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../lib/errors.ts';
import type { EventBus } from '../../realtime/event-bus.ts';
import { articleFavoritedEvent } from '../../realtime/event-builders.ts';
import { writeWithEvents } from '../../realtime/write-with-events.ts';
import { getArticleById } from './article-queries.ts';
import type { Article } from './articles.schemas.ts';

/**
 * The live article behind `slug`, locked FOR KEY SHARE until the transaction ends. Deleting or
 * editing it (FOR UPDATE, write-articles.ts) waits for us, and one that got there first is seen
 * (PostgreSQL re-checks the row after the wait) — so no favorite lands on a deleted article.
 * Concurrent favorites do not queue here: their count update only conflicts with FOR UPDATE.
 */
async function lockLiveArticleId(trx: Transaction<DB>, slug: string): Promise<string> {
  const article = await trx.selectFrom('articles').select('id').where('slug', '=', slug).where('deletedAt', 'is', null).forKeyShare().executeTakeFirst();
  if (!article) throw new AppError('NOT_FOUND', 'No such article');
  return article.id;
}

/**
 * Idempotent: favoriting twice leaves one row and the count unchanged.
 *
 * @example const article = await favoriteArticle({ db }, { slug }, ctx.user);
 */
export async function favoriteArticle(deps: { db: Database; bus: EventBus }, input: { slug: string }, user: { id: string }): Promise<Article> {
  // A new favorite (not a repeated one) notifies the article's author.
  return writeWithEvents(deps, async (trx, emit) => {
    const articleId = await lockLiveArticleId(trx, input.slug);
    const inserted = await trx
      .insertInto('favorites')
      .values({ userId: user.id, articleId })
      .onConflict((oc) => oc.doNothing())
      .returning('articleId')
      .executeTakeFirst();
    if (inserted) await emit(await articleFavoritedEvent(trx, user.id, articleId));
    return getArticleById({ db: trx }, articleId, user.id);
  });
}

/** Idempotent: unfavoriting an article you have not favorited changes nothing. */
export async function unfavoriteArticle(deps: { db: Database }, input: { slug: string }, user: { id: string }): Promise<Article> {
  return deps.db.transaction().execute(async (trx) => {
    const articleId = await lockLiveArticleId(trx, input.slug);
    await trx.deleteFrom('favorites').where('userId', '=', user.id).where('articleId', '=', articleId).execute();
    return getArticleById({ db: trx }, articleId, user.id);
  });
}
