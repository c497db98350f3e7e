/**
 * Account administration: listing, roles and suspension. Every change is audited in its own
 * transaction; an admin cannot change their own role or suspend themselves (no self-lockout).
 */
import { sql } from 'kysely';
import { z } from 'zod';

import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { decodeCursor, encodeCursor } from '../../lib/keyset-cursor.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit-log.ts';
import type { AdminUser, ListUsersInput } from './admin.schemas.ts';

const adminUserColumns = ['users.username', 'users.email', 'users.role', 'users.bio', 'users.image', 'users.suspendedAt', 'users.suspensionReason', 'users.createdAt'] as const;

function toAdminUser<T extends { role: string }>(row: T): T & { role: AdminUser['role'] } {
  // A CHECK constraint limits role to these three values.
  return row as T & { role: AdminUser['role'] };
}

/** Escapes LIKE wildcards so a query matches literally. */
function likePrefix(query: string): string {
  return `${query.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * Users by lower-cased username (the unique index order), keyset-paginated on it.
 *
 * @example const page = await listUsers({ db }, { role: 'moderator', limit: 50 });
 */
export async function listUsers(deps: { db: Database }, input: ListUsersInput): Promise<{ items: AdminUser[]; nextCursor: string | null }> {
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, z.tuple([z.string().min(1).max(64)]))[0];
  const lowerUsername = sql<string>`lower(users.username)`;
  const rows = await deps.db
    .selectFrom('users')
    .select([...adminUserColumns, lowerUsername.as('sortKey')])
    .$if(input.query !== undefined, (qb) =>
      qb.where((eb) => eb.or([eb(lowerUsername, 'like', likePrefix(input.query ?? '')), eb(sql`lower(users.email)`, 'like', likePrefix(input.query ?? ''))])),
    )
    .$if(input.role !== undefined, (qb) => qb.where('users.role', '=', input.role ?? 'user'))
    .$if(input.suspended !== undefined, (qb) => qb.where('users.suspendedAt', input.suspended ? 'is not' : 'is', null))
    .$if(after !== undefined, (qb) => qb.where(lowerUsername, '>', after ?? ''))
    .orderBy(lowerUsername)
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ sortKey: _sortKey, ...row }) => toAdminUser(row)),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.sortKey]) : null,
  };
}

/**
 * @example await setRole({ db }, { username: 'bob', role: 'moderator' }, ctx.user, auditOriginOf(ctx));
 */
export async function setRole(
  deps: { db: Database },
  input: { username: string; role: AdminUser['role'] },
  actor: { id: string },
  origin: AuditOrigin,
): Promise<AdminUser> {
  return deps.db.transaction().execute(async (trx) => {
    const target = await trx
      .selectFrom('users')
      .select(['id', 'role'])
      .where(sql`lower(username)`, '=', input.username.toLowerCase())
      .forUpdate()
      .executeTakeFirst();
    if (!target) throw new AppError('NOT_FOUND', 'No such user');
    if (target.id === actor.id) throw new AppError('CANNOT_CHANGE_OWN_ACCOUNT', 'Admins cannot change their own role');
    const updated = await trx.updateTable('users').set({ role: input.role }).where('id', '=', target.id).returning(adminUserColumns).executeTakeFirstOrThrow();
    // ASVS 3.2.1: a privilege change gets a new session token, so a planted or stolen token does
    // not silently gain (or keep) the new privileges; the user signs in again.
    if (target.role !== input.role) await trx.deleteFrom('sessions').where('userId', '=', target.id).execute();
    await recordAudit(trx, origin, { action: 'admin.role.changed', targetType: 'user', targetId: target.id, metadata: { from: target.role, to: input.role } });
    return toAdminUser(updated);
  });
}

/**
 * Suspends an account: blocks sign-in and writes (see procedures.ts) and ends every session in
 * the same transaction. Access tokens of suspended users fail at authentication (accounts).
 *
 * @example await suspendUser({ db }, { username: 'spammer', reason: 'spam' }, ctx.user, auditOriginOf(ctx));
 */
export async function suspendUser(
  deps: { db: Database },
  input: { username: string; reason: string },
  actor: { id: string },
  origin: AuditOrigin,
): Promise<AdminUser> {
  return deps.db.transaction().execute(async (trx) => {
    const target = await trx.selectFrom('users').select(['id']).where(sql`lower(username)`, '=', input.username.toLowerCase()).forUpdate().executeTakeFirst();
    if (!target) throw new AppError('NOT_FOUND', 'No such user');
    if (target.id === actor.id) throw new AppError('CANNOT_CHANGE_OWN_ACCOUNT', 'Admins cannot suspend themselves');
    const updated = await trx
      .updateTable('users')
      .set({ suspendedAt: sql<Date>`coalesce(suspended_at, now())`, suspensionReason: input.reason })
      .where('id', '=', target.id)
      .returning(adminUserColumns)
      .executeTakeFirstOrThrow();
    const ended = await trx.deleteFrom('sessions').where('userId', '=', target.id).executeTakeFirst();
    await recordAudit(trx, origin, {
      action: 'admin.user.suspended',
      targetType: 'user',
      targetId: target.id,
      metadata: { reason: input.reason, sessionsEnded: Number(ended.numDeletedRows) },
    });
    return toAdminUser(updated);
  });
}

/** Lifts a suspension (idempotent); the user signs in again to get a session. */
export async function unsuspendUser(deps: { db: Database }, input: { username: string }, origin: AuditOrigin): Promise<AdminUser> {
  return deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('users')
      .set({ suspendedAt: null, suspensionReason: null })
      .where(sql`lower(username)`, '=', input.username.toLowerCase())
      .returning(['users.id', ...adminUserColumns])
      .executeTakeFirst();
    if (!updated) throw new AppError('NOT_FOUND', 'No such user');
    const { id, ...user } = updated;
    await recordAudit(trx, origin, { action: 'admin.user.unsuspended', targetType: 'user', targetId: id });
    return toAdminUser(user);
  });
}
