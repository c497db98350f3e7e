/**
 * The signed-in user edits their own account. A new email is unverified again; a new password
 * signs out every other session (the current one stays) and is audited.
 */
import type { Database } from '../../db/database.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit-log.ts';
import type { CurrentUser } from '../auth/auth.schemas.ts';
import { hashPassword } from '../auth/passwords.ts';
import { userConflictFrom } from '../auth/sign-in.ts';
import type { UpdateUserInput } from './users.schemas.ts';

/**
 * @example const me = await updateUser({ db }, { bio: 'I like dragons' }, ctx.user.id, ctx.auth.session.id, origin);
 */
export async function updateUser(
  deps: { db: Database },
  input: UpdateUserInput,
  userId: string,
  currentSessionId: string,
  origin: AuditOrigin,
): Promise<CurrentUser> {
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('users').select(['email']).where('id', '=', userId).forUpdate().executeTakeFirstOrThrow();
      const emailChanged = input.email !== undefined && input.email.toLowerCase() !== before.email.toLowerCase();
      const user = await trx
        .updateTable('users')
        .set({
          ...(input.email !== undefined && { email: input.email }),
          ...(emailChanged && { emailVerifiedAt: null }),
          ...(input.username !== undefined && { username: input.username }),
          ...(input.bio !== undefined && { bio: input.bio }),
          ...(input.image !== undefined && { image: input.image }),
          ...(passwordHash !== undefined && { passwordHash }),
        })
        .where('id', '=', userId)
        .returning(['id', 'email', 'username', 'bio', 'image', 'role', 'emailVerifiedAt'])
        .executeTakeFirstOrThrow();
      if (passwordHash !== undefined) {
        await trx.deleteFrom('sessions').where('userId', '=', userId).where('id', '!=', currentSessionId).execute();
        await recordAudit(trx, origin, { action: 'user.password.changed', targetType: 'user', targetId: userId });
      }
      if (emailChanged) {
        await recordAudit(trx, origin, { action: 'user.email.changed', targetType: 'user', targetId: userId });
      }
      return {
        id: user.id,
        email: user.email,
        username: user.username,
        bio: user.bio,
        image: user.image,
        // A CHECK constraint limits role to these three values.
        role: user.role as CurrentUser['role'],
        emailVerified: user.emailVerifiedAt !== null,
      };
    });
  } catch (error) {
    throw userConflictFrom(error) ?? error;
  }
}
