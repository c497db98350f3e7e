/**
 * Favorites are composite-key rows; `articles.favorites_count` follows them through a trigger in
 * the same statement, so the count is exact however many calls race.
 */
import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import type { EventBus } from '../../realtime/event-bus.ts';
import { articleFavoritedEvent } from '../../realtime/event-builders.ts';
import { writeWithEvents } from '../../realtime/write-with-events.ts';
import { getArticleBySlug } from './article-queries.ts';
import type { Article } from './articles.schemas.ts';

async function liveArticleId(db: Database, slug: string): Promise<string> {
  const article = await db.selectFrom('articles').select('id').where('slug', '=', slug).where('deletedAt', 'is', null).executeTakeFirst();
  if (!article) throw new AppError('NOT_FOUND', 'No such article');
  return article.id;
}

/**
 * Idempotent: favoriting twice leaves one row and the count unchanged.
 *
 * @example const article = await favoriteArticle({ db }, { slug }, ctx.user);
 */
export async function favoriteArticle(deps: { db: Database; bus: EventBus }, input: { slug: string }, user: { id: string }): Promise<Article> {
  const articleId = await liveArticleId(deps.db, input.slug);
  // realtime: a new favorite (not a repeated one) notifies the article's author.
  await writeWithEvents(deps, async (trx, emit) => {
    const inserted = await trx
      .insertInto('favorites')
      .values({ userId: user.id, articleId })
      .onConflict((oc) => oc.doNothing())
      .returning('articleId')
      .executeTakeFirst();
    if (inserted) await emit(await articleFavoritedEvent(trx, user.id, articleId));
  });
  return getArticleBySlug(deps, input.slug, user.id);
}

/** Idempotent: unfavoriting an article you have not favorited changes nothing. */
export async function unfavoriteArticle(deps: { db: Database }, input: { slug: string }, user: { id: string }): Promise<Article> {
  const articleId = await liveArticleId(deps.db, input.slug);
  await deps.db.deleteFrom('favorites').where('userId', '=', user.id).where('articleId', '=', articleId).execute();
  return getArticleBySlug(deps, input.slug, user.id);
}
