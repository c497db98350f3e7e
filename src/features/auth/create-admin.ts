/**
 * The first administrator: created (or an existing account promoted) from the command line,
 * never through the API, so no request can grant itself the admin role.
 */
import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit-log.ts';
import { emailSchema, newPasswordSchema, usernameSchema } from './auth.schemas.ts';
import { assertPasswordPolicy } from './password-policy.ts';
import { hashPassword } from './passwords.ts';
import { userConflictFrom } from './sign-in.ts';

/** The CLI acts as nobody in particular; the audit log says so. */
const cliOrigin: AuditOrigin = { actorId: null, ip: null, userAgent: 'conduit admin:create', requestId: null };

/**
 * Promotes the account with `email` to admin, or creates it (then `username` and `password`
 * are required) with the admin role.
 *
 * @example await createOrPromoteAdmin(db, { email: 'root@example.com', username: 'root', password: 'a long passphrase' });
 */
export async function createOrPromoteAdmin(
  db: Database,
  input: { email: string; username?: string | undefined; password?: string | undefined },
): Promise<{ userId: string; outcome: 'created' | 'promoted' | 'already_admin' }> {
  const email = emailSchema.parse(input.email);
  const existing = await db.selectFrom('users').select(['id', 'role']).where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).executeTakeFirst();
  if (existing) {
    if (existing.role === 'admin') return { userId: existing.id, outcome: 'already_admin' };
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ role: 'admin' }).where('id', '=', existing.id).execute();
      await recordAudit(trx, cliOrigin, { action: 'admin.role.changed', targetType: 'user', targetId: existing.id, metadata: { from: existing.role, to: 'admin', via: 'cli' } });
    });
    return { userId: existing.id, outcome: 'promoted' };
  }
  if (!input.username || !input.password) throw new AppError('VALIDATION_ERROR', 'No account has that email: give --username and --password to create one');
  const username = usernameSchema.parse(input.username);
  const password = newPasswordSchema.parse(input.password);
  assertPasswordPolicy(password, { username, email });
  const passwordHash = await hashPassword(password);
  try {
    const userId = await db.transaction().execute(async (trx) => {
      const { id } = await trx.insertInto('users').values({ email, username, passwordHash, role: 'admin' }).returning('id').executeTakeFirstOrThrow();
      await recordAudit(trx, cliOrigin, { action: 'auth.register', targetType: 'user', targetId: id, metadata: { via: 'cli' } });
      await recordAudit(trx, cliOrigin, { action: 'admin.role.changed', targetType: 'user', targetId: id, metadata: { from: null, to: 'admin', via: 'cli' } });
      return id;
    });
    return { userId, outcome: 'created' };
  } catch (error) {
    throw userConflictFrom(error) ?? error;
  }
}
