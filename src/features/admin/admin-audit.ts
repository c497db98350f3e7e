/** Reading the audit log, newest first, keyset-paginated on its identity column. */
import { sql } from 'kysely';

import type { Database } from '../../db/database.ts';
import { bigintIdKey, decodeCursor, encodeCursor } from '../../lib/keyset-cursor.ts';
import type { ListAuditInput } from './admin.schemas.ts';

/**
 * @example const page = await listAudit({ db }, { action: 'article.removed', limit: 50 });
 */
export async function listAudit(deps: { db: Database }, input: ListAuditInput) {
  const before = input.cursor === undefined ? undefined : decodeCursor(input.cursor, bigintIdKey)[0];
  const rows = await deps.db
    .selectFrom('auditLog')
    .leftJoin('users', 'users.id', 'auditLog.actorId')
    .select([
      'auditLog.id',
      'auditLog.action',
      'users.username as actor',
      'auditLog.targetType',
      'auditLog.targetId',
      'auditLog.ip',
      'auditLog.requestId',
      'auditLog.metadata',
      'auditLog.createdAt',
    ])
    .$if(input.actor !== undefined, (qb) => qb.where(sql`lower(users.username)`, '=', (input.actor ?? '').toLowerCase()))
    .$if(input.action !== undefined, (qb) => qb.where('auditLog.action', '=', input.action ?? ''))
    .$if(before !== undefined, (qb) => qb.where('auditLog.id', '<', before ?? '0'))
    .orderBy('auditLog.id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return { items: page, nextCursor: rows.length > input.limit && last ? encodeCursor([last.id]) : null };
}
