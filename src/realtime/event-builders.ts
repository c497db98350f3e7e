/**
 * Builds each domain event from the rows a write path just changed, inside its transaction, so
 * the event carries the public facts subscribers render (author, slug, title) without another
 * query per subscriber.
 */
import type { Transaction } from 'kysely';

import type { DB } from '../db/schema.ts';
import type { DomainEvent, EventAuthor } from './domain-events.ts';

async function authorOf(trx: Transaction<DB>, userId: string): Promise<EventAuthor> {
  return trx.selectFrom('users').select(['username', 'bio', 'image']).where('id', '=', userId).executeTakeFirstOrThrow();
}

/** @example await emit(await articlePublishedEvent(trx, articleId)); */
export async function articlePublishedEvent(trx: Transaction<DB>, articleId: string): Promise<DomainEvent> {
  const article = await trx
    .selectFrom('articles')
    .select(['slug', 'title', 'description', 'createdAt', 'authorId'])
    .where('id', '=', articleId)
    .executeTakeFirstOrThrow();
  const tags = await trx
    .selectFrom('articleTags')
    .innerJoin('tags', 'tags.id', 'articleTags.tagId')
    .select('tags.name')
    .where('articleTags.articleId', '=', articleId)
    .orderBy('articleTags.position')
    .execute();
  const author = await authorOf(trx, article.authorId);
  return {
    type: 'article.published',
    articleId,
    payload: {
      article: {
        slug: article.slug,
        title: article.title,
        description: article.description,
        tagList: tags.map((tag) => tag.name),
        createdAt: new Date(article.createdAt).toISOString(),
        author,
      },
      authorId: article.authorId,
    },
  };
}

/** @example if (inserted) await emit(await userFollowedEvent(trx, followerId, followeeId)); */
export async function userFollowedEvent(trx: Transaction<DB>, followerId: string, followeeId: string): Promise<DomainEvent> {
  return { type: 'user.followed', recipientId: followeeId, payload: { follower: await authorOf(trx, followerId) } };
}

/** @example if (inserted) await emit(await articleFavoritedEvent(trx, userId, articleId)); */
export async function articleFavoritedEvent(trx: Transaction<DB>, userId: string, articleId: string): Promise<DomainEvent> {
  const article = await trx.selectFrom('articles').select(['slug', 'title', 'authorId']).where('id', '=', articleId).executeTakeFirstOrThrow();
  return {
    type: 'article.favorited',
    articleId,
    // Favoriting your own article notifies nobody.
    recipientId: article.authorId === userId ? null : article.authorId,
    payload: { by: await authorOf(trx, userId), article: { slug: article.slug, title: article.title } },
  };
}

/** @example if (inserted) await emit(await commentAddedEvent(trx, String(inserted.id))); */
export async function commentAddedEvent(trx: Transaction<DB>, commentId: string): Promise<DomainEvent> {
  const row = await trx
    .selectFrom('comments')
    .innerJoin('articles', 'articles.id', 'comments.articleId')
    .select(['comments.id', 'comments.body', 'comments.createdAt', 'comments.updatedAt', 'comments.authorId', 'comments.articleId'])
    .select(['articles.slug', 'articles.title', 'articles.authorId as articleAuthorId'])
    .where('comments.id', '=', commentId)
    .executeTakeFirstOrThrow();
  return {
    type: 'comment.added',
    articleId: row.articleId,
    // Commenting on your own article notifies nobody.
    recipientId: row.articleAuthorId === row.authorId ? null : row.articleAuthorId,
    payload: {
      comment: {
        id: String(row.id),
        body: row.body,
        createdAt: new Date(row.createdAt).toISOString(),
        updatedAt: new Date(row.updatedAt).toISOString(),
        author: await authorOf(trx, row.authorId),
      },
      articleSlug: row.slug,
      articleTitle: row.title,
    },
  };
}
