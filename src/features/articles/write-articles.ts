/**
 * Creating, editing and (soft) deleting articles. Each runs in one transaction: slug
 * reservation, the row, its tags and any audit record commit together or not at all.
 */
import { randomUUID } from 'node:crypto';

import { sql, type Transaction } from 'kysely';

import type { Database } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../lib/errors.ts';
import { articlePublishedEvent } from '../../realtime/event-builders.ts';
import { writeWithEvents, type WriteDeps } from '../../realtime/write-with-events.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit-log.ts';
import { getArticleById } from './article-queries.ts';
import { reserveSlug, slugForTitle } from './article-slugs.ts';
import type { Article } from './articles.schemas.ts';
import { assertCanUpdateArticle, removalRightForArticle, requireReasonForModeration, type Actor } from './permissions.ts';

/** Replaces the article's tags with `tagList` (already normalised), keeping their order. */
async function setArticleTags(trx: Transaction<DB>, articleId: string, tagList: readonly string[]): Promise<void> {
  await trx.deleteFrom('articleTags').where('articleId', '=', articleId).execute();
  if (tagList.length === 0) return;
  await trx
    .insertInto('tags')
    .values(tagList.map((name) => ({ name })))
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const tags = await trx.selectFrom('tags').select(['id', 'name']).where('name', 'in', tagList).execute();
  const idByName = new Map(tags.map((tag) => [tag.name, tag.id]));
  await trx
    .insertInto('articleTags')
    .values(tagList.map((name, position) => ({ articleId, tagId: idByName.get(name) ?? -1, position })))
    .execute();
}

/** The live article behind `slug`, locked for the rest of the transaction. */
async function lockLiveArticle(trx: Transaction<DB>, slug: string) {
  const article = await trx
    .selectFrom('articles')
    .select(['id', 'authorId', 'title', 'slug'])
    .where('slug', '=', slug)
    .where('deletedAt', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  if (!article) throw new AppError('NOT_FOUND', 'No such article');
  return article;
}

/**
 * @example const article = await createArticle({ db }, { title, description, body, tagList: ['dragons'] }, ctx.user);
 */
export async function createArticle(
  deps: WriteDeps,
  input: { title: string; description: string; body: string; tagList: string[] },
  author: Actor,
): Promise<Article> {
  return writeWithEvents(deps, async (trx, emit) => {
    const id = randomUUID();
    // The slug row comes first; its foreign key to the article is checked at commit.
    const reserved = await reserveSlug(trx, id, input.title);
    await trx
      .insertInto('articles')
      .values({ id, authorId: author.id, slug: reserved, title: input.title, description: input.description, body: input.body })
      .execute();
    await setArticleTags(trx, id, input.tagList);
    await emit(await articlePublishedEvent(trx, id)); // articles.onPublished
    // Read in the transaction and by id: a rename committed right after cannot make this NOT_FOUND.
    return getArticleById({ db: trx }, id, author.id);
  });
}

/**
 * Edits the author's own article; a new title gives a new slug (the old one stays reserved).
 *
 * @example await updateArticle({ db }, { slug: 'old-title', title: 'New title' }, ctx.user);
 */
export async function updateArticle(
  deps: { db: Database },
  input: { slug: string; title?: string | undefined; description?: string | undefined; body?: string | undefined; tagList?: string[] | undefined },
  actor: Actor,
): Promise<Article> {
  return deps.db.transaction().execute(async (trx) => {
    const article = await lockLiveArticle(trx, input.slug);
    assertCanUpdateArticle(actor, article);
    const titleChanged = input.title !== undefined && slugForTitle(input.title) !== slugForTitle(article.title);
    const newSlug = titleChanged && input.title !== undefined ? await reserveSlug(trx, article.id, input.title) : article.slug;
    await trx
      .updateTable('articles')
      .set({
        slug: newSlug,
        ...(input.title !== undefined && { title: input.title }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.body !== undefined && { body: input.body }),
        updatedAt: sql<Date>`now()`,
      })
      .where('id', '=', article.id)
      .execute();
    if (input.tagList !== undefined) await setArticleTags(trx, article.id, input.tagList);
    // Read under the row lock and by id: a later rename or delete cannot make this NOT_FOUND.
    return getArticleById({ db: trx }, article.id, actor.id);
  });
}

/**
 * Soft-deletes an article: it vanishes from every read path. A moderator's removal is audited
 * with its reason.
 *
 * @example await deleteArticle({ db }, { slug, reason: 'spam' }, ctx.user, auditOriginOf(ctx));
 */
export async function deleteArticle(
  deps: { db: Database },
  input: { slug: string; reason?: string | undefined },
  actor: Actor,
  origin: AuditOrigin,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const article = await lockLiveArticle(trx, input.slug);
    const right = removalRightForArticle(actor, article);
    const reason = requireReasonForModeration(right, input.reason);
    await trx.updateTable('articles').set({ deletedAt: sql<Date>`now()` }).where('id', '=', article.id).execute();
    await recordAudit(trx, origin, {
      action: right === 'owner' ? 'article.deleted' : 'article.removed',
      targetType: 'article',
      targetId: article.id,
      metadata: { slug: article.slug, ...(reason !== undefined && { reason }) },
    });
  });
}
