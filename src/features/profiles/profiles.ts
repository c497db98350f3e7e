/**
 * Public profiles and follows. A follow is a composite-key row (`follows`), so following twice
 * is a no-op and unfollowing a missing row is too.
 */
import { expressionBuilder, sql, type AliasableExpression, type Expression, type ExpressionBuilder } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';

import type { Database } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../lib/errors.ts';
import type { Profile } from './profiles.schemas.ts';
import type { EventBus } from '../../realtime/event-bus.ts';
import { userFollowedEvent } from '../../realtime/event-builders.ts';
import { writeWithEvents } from '../../realtime/write-with-events.ts';

/**
 * A correlated subquery yielding the public profile of `userId` as JSON, for embedding authors
 * in article and comment queries (one statement, no N+1).
 *
 * @example db.selectFrom('articles').select((eb) => profileJsonOf(eb.ref('articles.authorId'), viewerId).as('author'))
 */
export function profileJsonOf(userId: Expression<string>, viewerId: string | null) {
  const eb = expressionBuilder<DB, never>();
  return jsonObjectFrom(
    eb
      .selectFrom('users as profile')
      .where('profile.id', '=', userId)
      .select((inner) => ['profile.username', 'profile.bio', 'profile.image', isFollowedBy(inner.ref('profile.id'), viewerId).as('following')]),
  );
}

/** `true` when `viewerId` follows `userId`; constant `false` for anonymous viewers. */
export function isFollowedBy(userId: Expression<string>, viewerId: string | null): AliasableExpression<boolean> {
  if (viewerId === null) return sql<boolean>`false`;
  const eb = expressionBuilder<DB, never>();
  return eb
    .exists(eb.selectFrom('follows').select(sql`1`.as('one')).where('follows.followerId', '=', viewerId).where('follows.followeeId', '=', userId))
    .$castTo<boolean>();
}

/** Case-insensitive lookup of a user id by username; uses `users_username_lower_unique`. */
export function userIdByUsername(username: string) {
  const eb = expressionBuilder<DB, never>();
  return eb
    .selectFrom('users')
    .select('users.id')
    .where((inner) => inner(inner.fn('lower', [inner.ref('users.username')]), '=', username.toLowerCase()));
}

/** The public columns of the outer user, with `following` for `viewerId`. */
function profileColumns(eb: ExpressionBuilder<DB, 'users'>, viewerId: string | null) {
  return ['users.username', 'users.bio', 'users.image', isFollowedBy(eb.ref('users.id'), viewerId).as('following')] as const;
}

/**
 * @example const profile = await getProfile(ctx, { username: 'alice' }, viewerId);
 */
export async function getProfile(deps: { db: Database }, input: { username: string }, viewerId: string | null): Promise<Profile> {
  const profile = await deps.db
    .selectFrom('users')
    .where((eb) => eb(eb.fn('lower', [eb.ref('users.username')]), '=', input.username.toLowerCase()))
    .select((eb) => profileColumns(eb, viewerId))
    .executeTakeFirst();
  if (!profile) throw new AppError('NOT_FOUND', 'No such user');
  return profile;
}

/** By id, in the write's transaction: a rename committed meanwhile cannot make a follow answer NOT_FOUND. */
function getProfileById(db: Database, userId: string, viewerId: string): Promise<Profile> {
  return db.selectFrom('users').where('users.id', '=', userId).select((eb) => profileColumns(eb, viewerId)).executeTakeFirstOrThrow();
}

/** Follows `username` (idempotent) and returns their profile as the follower now sees it. */
export async function followUser(deps: { db: Database; bus: EventBus }, input: { username: string }, follower: { id: string }): Promise<Profile> {
  // A new follow (not a repeated one) notifies the followee.
  return writeWithEvents(deps, async (trx, emit) => {
    const followee = await findUserId(trx, input.username);
    if (followee === follower.id) throw new AppError('CANNOT_FOLLOW_SELF', 'You cannot follow yourself');
    const inserted = await trx
      .insertInto('follows')
      .values({ followerId: follower.id, followeeId: followee })
      .onConflict((oc) => oc.doNothing())
      .returning('followeeId')
      .executeTakeFirst();
    if (inserted) await emit(await userFollowedEvent(trx, follower.id, followee));
    return getProfileById(trx, followee, follower.id);
  });
}

/** Unfollows `username` (idempotent) and returns their profile. */
export async function unfollowUser(deps: { db: Database }, input: { username: string }, follower: { id: string }): Promise<Profile> {
  return deps.db.transaction().execute(async (trx) => {
    const followee = await findUserId(trx, input.username);
    await trx.deleteFrom('follows').where('followerId', '=', follower.id).where('followeeId', '=', followee).execute();
    return getProfileById(trx, followee, follower.id);
  });
}

async function findUserId(db: Database, username: string): Promise<string> {
  const row = await db.selectFrom(userIdByUsername(username).as('u')).select('u.id').executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'No such user');
  return row.id;
}
