/**
 * The signed-in user's notifications: someone followed them, favorited one of their articles,
 * or commented on one. They are the events whose recipient is the user (set by the write path),
 * so nobody can receive anyone else's.
 */
import type { StoredEvent } from '../../realtime/domain-events.ts';
import type { Notification } from './notifications.schemas.ts';

export const notificationEventTypes = ['user.followed', 'article.favorited', 'comment.added'] as const;

/** @example toNotification(event) // { kind: 'new-follower', actor: { username: 'bob', … }, at } */
export function toNotification(event: StoredEvent): Notification | null {
  const at = new Date(event.createdAt);
  switch (event.type) {
    case 'user.followed':
      return { kind: 'new-follower', actor: event.payload.follower, at };
    case 'article.favorited':
      return { kind: 'article-favorited', actor: event.payload.by, article: event.payload.article, at };
    case 'comment.added': {
      const { comment, articleSlug, articleTitle } = event.payload;
      return {
        kind: 'comment-on-article',
        actor: comment.author,
        article: { slug: articleSlug, title: articleTitle },
        commentId: comment.id,
        body: comment.body,
        at,
      };
    }
    default:
      return null;
  }
}
