/**
 * The domain events subscribers can receive, and how a write path records one: inside its own
 * transaction, so the event exists exactly when the change does. After the commit, the caller
 * hands the returned id to `bus.announce()`, which tells every instance to deliver it.
 */
import type { Transaction } from 'kysely';

import type { DB } from '../db/schema.ts';

/** Public author facts carried by events (no viewer-specific `following`). */
export interface EventAuthor {
  username: string;
  bio: string;
  image: string | null;
}

export interface CommentAddedPayload {
  comment: { id: string; body: string; createdAt: string; updatedAt: string; author: EventAuthor };
  articleSlug: string;
  articleTitle: string;
}

export interface ArticlePublishedPayload {
  article: { slug: string; title: string; description: string; tagList: string[]; createdAt: string; author: EventAuthor };
  authorId: string;
}

export interface UserFollowedPayload {
  follower: EventAuthor;
}

export interface ArticleFavoritedPayload {
  by: EventAuthor;
  article: { slug: string; title: string };
}

/** What a write path records; `recipientId` is who gets it as a notification. */
export type DomainEvent =
  | { type: 'comment.added'; articleId: string; recipientId: string | null; payload: CommentAddedPayload }
  | { type: 'article.published'; articleId: string; recipientId?: null; payload: ArticlePublishedPayload }
  | { type: 'user.followed'; articleId?: null; recipientId: string; payload: UserFollowedPayload }
  | { type: 'article.favorited'; articleId: string; recipientId: string | null; payload: ArticleFavoritedPayload };

export type DomainEventType = DomainEvent['type'];

/** An event as stored and delivered: its id orders it and lets clients resume after it. */
export type StoredEvent = DomainEvent & { id: string; createdAt: Date };

/**
 * Writes `event` in the caller's transaction and returns its id for `bus.announce()` after commit.
 *
 * @example
 * const eventId = await db.transaction().execute(async (trx) => {
 *   // … insert the comment …
 *   return recordEvent(trx, { type: 'comment.added', articleId, recipientId: articleAuthorId, payload });
 * });
 * await bus.announce([eventId]);
 */
export async function recordEvent(trx: Transaction<DB>, event: DomainEvent): Promise<string> {
  const row = await trx
    .insertInto('events')
    .values({
      type: event.type,
      articleId: event.articleId ?? null,
      recipientId: event.recipientId ?? null,
      payload: JSON.stringify(event.payload),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(row.id);
}
