/**
 * A user's own sessions ("devices"): list them, end one, or end all but the current one.
 * A session's public id is its row id — the token's SHA-256, useless as a credential.
 */
import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit-log.ts';
import type { SessionSummary } from './sessions.schemas.ts';

/** @example const sessions = await listSessions(db, user.id, ctx.session.id); */
export async function listSessions(db: Database, userId: string, currentSessionId: string): Promise<SessionSummary[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'userAgent', 'ip', 'createdAt', 'lastUsedAt', 'expiresAt'])
    .where('userId', '=', userId)
    .where('expiresAt', '>', new Date())
    .orderBy('lastUsedAt', 'desc')
    .execute();
  return rows.map((row) => ({ ...row, isCurrent: row.id === currentSessionId }));
}

/** Ends one of the caller's sessions (the current one included); NOT_FOUND for anyone else's. */
export async function revokeSession(db: Database, origin: AuditOrigin, userId: string, sessionId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const deleted = await trx.deleteFrom('sessions').where('id', '=', sessionId).where('userId', '=', userId).returning('id').executeTakeFirst();
    if (!deleted) throw new AppError('NOT_FOUND', 'No such session');
    await recordAudit(trx, origin, { action: 'auth.session.revoked', targetType: 'user', targetId: userId, metadata: { count: 1 } });
  });
}

/** Ends every session of the user except `keepSessionId`; returns how many ended. */
export async function revokeOtherSessions(db: Database, origin: AuditOrigin, userId: string, keepSessionId: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const deleted = await trx.deleteFrom('sessions').where('userId', '=', userId).where('id', '!=', keepSessionId).returning('id').execute();
    await recordAudit(trx, origin, { action: 'auth.session.revoked', targetType: 'user', targetId: userId, metadata: { count: deleted.length, scope: 'others' } });
    return deleted.length;
  });
}
