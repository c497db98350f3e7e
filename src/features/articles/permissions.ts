/**
 * The one place that decides who may change or remove content. Routers have already ensured a
 * signed-in, non-suspended caller; these rules only compare the actor with the content.
 */
import { AppError } from '../../lib/errors.ts';

export interface Actor {
  id: string;
  role: 'user' | 'moderator' | 'admin';
}

/** How an actor is allowed to remove something: as its owner, or as a moderator (audited, with a reason). */
export type RemovalRight = 'owner' | 'moderator';

function isModerator(actor: Actor): boolean {
  return actor.role === 'moderator' || actor.role === 'admin';
}

/**
 * Only the author edits an article (moderators remove, they do not rewrite).
 *
 * @example assertCanUpdateArticle(ctx.user, article); // throws FORBIDDEN for anyone else
 */
export function assertCanUpdateArticle(actor: Actor, article: { authorId: string }): void {
  if (actor.id !== article.authorId) throw new AppError('FORBIDDEN', 'Only the author can edit this article');
}

/**
 * The author deletes their article; a moderator or admin removes anyone's.
 *
 * @example const right = removalRightForArticle(ctx.user, article); // 'owner' | 'moderator'
 */
export function removalRightForArticle(actor: Actor, article: { authorId: string }): RemovalRight {
  if (actor.id === article.authorId) return 'owner';
  if (isModerator(actor)) return 'moderator';
  throw new AppError('FORBIDDEN', 'Only the author or a moderator can delete this article');
}

/**
 * A comment is deleted by its author or the article's author; a moderator or admin removes any.
 *
 * @example removalRightForComment(ctx.user, { authorId: comment.authorId, articleAuthorId: article.authorId })
 */
export function removalRightForComment(actor: Actor, comment: { authorId: string; articleAuthorId: string }): RemovalRight {
  if (actor.id === comment.authorId || actor.id === comment.articleAuthorId) return 'owner';
  if (isModerator(actor)) return 'moderator';
  throw new AppError('FORBIDDEN', 'Only the comment author, the article author or a moderator can delete this comment');
}

/** A moderator's removal must carry a reason; the owner's need not. */
export function requireReasonForModeration(right: RemovalRight, reason: string | undefined): string | undefined {
  if (right === 'moderator' && reason === undefined) {
    throw new AppError('REASON_REQUIRED', 'A moderator removal needs a reason', { details: { field: 'reason' } });
  }
  return reason;
}
