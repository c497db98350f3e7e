/**
 * `auth.password.change`: needs the current password (counted by the login throttle like a
 * sign-in), obeys the policy, and ends every other session of the account.
 */
import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit-log.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import { assertPasswordPolicy } from '../auth/password-policy.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { sendPasswordChangedNotice } from './password-emails.ts';

/**
 * @example await changePassword({ db, loginThrottle }, origin, { userId, sessionId }, { currentPassword, newPassword });
 */
export async function changePassword(
  deps: { db: Database; loginThrottle: LoginThrottle },
  origin: AuditOrigin,
  caller: { userId: string; sessionId: string },
  input: { currentPassword: string; newPassword: string },
): Promise<{ revokedSessions: number }> {
  const account = await deps.db.selectFrom('users').select(['username', 'email', 'passwordHash']).where('id', '=', caller.userId).executeTakeFirstOrThrow();
  const ip = origin.ip ?? '';
  await deps.loginThrottle.assertAllowed(account.username, ip);
  if (!(await verifyPassword(account.passwordHash, input.currentPassword))) {
    await deps.loginThrottle.recordFailure(account.username, ip);
    throw new AppError('INVALID_CREDENTIALS', 'The current password is wrong', { details: { field: 'currentPassword' } });
  }
  assertPasswordPolicy(input.newPassword, account);
  const passwordHash = await hashPassword(input.newPassword);
  return deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ passwordHash }).where('id', '=', caller.userId).execute();
    const revoked = await trx.deleteFrom('sessions').where('userId', '=', caller.userId).where('id', '!=', caller.sessionId).returning('id').execute();
    await recordAudit(trx, origin, { action: 'auth.password.changed', targetType: 'user', targetId: caller.userId, metadata: { revokedSessions: revoked.length } });
    await sendPasswordChangedNotice(trx, { to: account.email, username: account.username, how: 'changed', eventId: crypto.randomUUID() });
    return { revokedSessions: revoked.length };
  });
}
