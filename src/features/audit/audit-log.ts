/**
 * Writes to the append-only audit log. Call it with the transaction that makes the change, so
 * the record exists exactly when the change does.
 */
import type { Kysely, Transaction } from 'kysely';

import type { DB } from '../../db/schema.ts';

/** Who did it and from where: taken from the request (`ctx.request`) by the caller. */
export interface AuditOrigin {
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface AuditEntry {
  /** Dotted, lower-case verb, e.g. `auth.login.failed`, `article.removed`, `admin.role.changed`. */
  action: string;
  targetType?: string;
  targetId?: string;
  /** Client-safe facts only: never a password, token or code. */
  metadata?: Record<string, unknown>;
}

/**
 * Appends one audit record.
 *
 * @example
 * await db.transaction().execute(async (trx) => {
 *   await trx.updateTable('users').set({ role: 'admin' }).where('id', '=', id).execute();
 *   await recordAudit(trx, originOf(ctx), { action: 'admin.role.changed', targetType: 'user', targetId: id });
 * });
 */
export async function recordAudit(
  db: Kysely<DB> | Transaction<DB>,
  origin: AuditOrigin,
  entry: AuditEntry,
): Promise<void> {
  await db
    .insertInto('auditLog')
    .values({
      actorId: origin.actorId,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      ip: origin.ip,
      userAgent: origin.userAgent?.slice(0, 512) ?? null,
      requestId: origin.requestId,
      metadata: JSON.stringify(entry.metadata ?? {}),
    })
    .execute();
}

/**
 * The audit origin of a tRPC call.
 *
 * @example recordAudit(trx, auditOriginOf(ctx), { action: 'auth.logout' })
 */
export function auditOriginOf(ctx: {
  auth: { user: { id: string } } | null;
  request: { id: string; ip: string; userAgent: string | undefined };
}): AuditOrigin {
  return {
    actorId: ctx.auth?.user.id ?? null,
    ip: ctx.request.ip,
    userAgent: ctx.request.userAgent ?? null,
    requestId: ctx.request.id,
  };
}
