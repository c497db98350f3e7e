/**
 * Comments on live articles, oldest first. Listing is one statement (comments with their authors
 * as JSON); deletion is soft and decided by articles/permissions.ts.
 */
import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';

import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { removalRightForComment, requireReasonForModeration, type Actor } from '../articles/permissions.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit-log.ts';
import { profileJsonOf } from '../profiles/profiles.ts';
import type { Comment } from './comments.schemas.ts';
import { commentAddedEvent } from '../../realtime/event-builders.ts';
import { writeWithEvents, type WriteDeps } from '../../realtime/write-with-events.ts';

interface CommentJson {
  id: string | number;
  body: string;
  createdAt: string | Date;
  updatedAt: string | Date;
  author: Comment['author'];
}

function toComment(row: CommentJson): Comment {
  return { ...row, id: Number(row.id), createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) };
}

/**
 * Whether a comment was removed (soft-deleted) since it was added, so a replayed `comment.added`
 * must not bring it back. A comment not found (a replica still behind) counts as not removed.
 *
 * @example if (await isCommentRemoved(ctx.db, event.payload.comment.id)) return null;
 */
export async function isCommentRemoved(db: Database, commentId: string): Promise<boolean> {
  const removed = await db.selectFrom('comments').select('id').where('id', '=', commentId).where('deletedAt', 'is not', null).executeTakeFirst();
  return removed !== undefined;
}

/**
 * @example const { items } = await listComments({ db }, { slug }, viewerId);
 */
export async function listComments(deps: { db: Database }, input: { slug: string }, viewerId: string | null): Promise<{ items: Comment[] }> {
  const row = await deps.db
    .selectFrom('articles')
    .where('articles.slug', '=', input.slug)
    .where('articles.deletedAt', 'is', null)
    .select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('comments')
          .whereRef('comments.articleId', '=', 'articles.id')
          .where('comments.deletedAt', 'is', null)
          .select((inner) => [
            'comments.id',
            'comments.body',
            'comments.createdAt',
            'comments.updatedAt',
            profileJsonOf(inner.ref('comments.authorId'), viewerId).$notNull().as('author'),
          ])
          .orderBy('comments.createdAt', 'asc')
          .orderBy('comments.id', 'asc'),
      ).as('items'),
    )
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'No such article');
  return { items: row.items.map(toComment) };
}

/** @example const comment = await addComment({ db }, { slug, body: 'Nice!' }, ctx.user); */
export async function addComment(deps: WriteDeps, input: { slug: string; body: string }, author: Actor): Promise<Comment> {
  // The comment and its `comment.added` event commit together (comments.onAdded).
  const row = await writeWithEvents(deps, async (trx, emit) => {
    const inserted = await trx
      .insertInto('comments')
      .columns(['articleId', 'authorId', 'body'])
      .expression((eb) =>
        eb
          .selectFrom('articles')
          .select((inner) => [inner.ref('articles.id').as('articleId'), inner.val(author.id).as('authorId'), inner.val(input.body).as('body')])
          .where('articles.slug', '=', input.slug)
          .where('articles.deletedAt', 'is', null),
      )
      .returning((eb) => ['comments.id', 'comments.body', 'comments.createdAt', 'comments.updatedAt', profileJsonOf(eb.ref('comments.authorId'), author.id).$notNull().as('author')])
      .executeTakeFirst();
    if (inserted) await emit(await commentAddedEvent(trx, String(inserted.id)));
    return inserted;
  });
  if (!row) throw new AppError('NOT_FOUND', 'No such article');
  return toComment(row);
}

/**
 * Soft-deletes a comment of a live article. Moderator removals are audited with their reason.
 *
 * @example await deleteComment({ db }, { slug, id: 7 }, ctx.user, auditOriginOf(ctx));
 */
export async function deleteComment(
  deps: { db: Database },
  input: { slug: string; id: number; reason?: string | undefined },
  actor: Actor,
  origin: AuditOrigin,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const comment = await trx
      .selectFrom('comments')
      .innerJoin('articles', 'articles.id', 'comments.articleId')
      .select(['comments.id', 'comments.authorId', 'articles.authorId as articleAuthorId'])
      .where('comments.id', '=', String(input.id))
      .where('articles.slug', '=', input.slug)
      .where('articles.deletedAt', 'is', null)
      .where('comments.deletedAt', 'is', null)
      .forUpdate('comments')
      .executeTakeFirst();
    if (!comment) throw new AppError('NOT_FOUND', 'No such comment');
    const right = removalRightForComment(actor, comment);
    const reason = requireReasonForModeration(right, input.reason);
    await trx.updateTable('comments').set({ deletedAt: sql<Date>`now()` }).where('id', '=', comment.id).execute();
    await recordAudit(trx, origin, {
      action: right === 'owner' ? 'comment.deleted' : 'comment.removed',
      targetType: 'comment',
      targetId: comment.id,
      metadata: { slug: input.slug, ...(reason !== undefined && { reason }) },
    });
  });
}
