/**
 * The signed-in user edits their own account. A new email is unverified again (a code sent to the
 * old one is dropped); a new password signs out every other session (the current one stays) and
 * is audited.
 */
import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit-log.ts';
import type { CurrentUser } from '../auth/auth.schemas.ts';
import { assertPasswordPolicy } from '../auth/password-policy.ts';
import { hashPassword } from '../auth/passwords.ts';
import { userConflictFrom } from '../auth/sign-in.ts';
import type { UpdateUserInput } from './users.schemas.ts';

/**
 * `currentSessionId` is null for personal-access-token callers: they may edit the profile but
 * not the password or email (credential changes need a signed-in session, as in `auth.password.change`).
 *
 * @example const me = await updateUser({ db }, { bio: 'I like dragons' }, ctx.user, ctx.auth.session?.id ?? null, origin);
 */
export async function updateUser(
  deps: { db: Database },
  input: UpdateUserInput,
  user: { id: string; username: string; email: string },
  currentSessionId: string | null,
  origin: AuditOrigin,
): Promise<CurrentUser> {
  const userId = user.id;
  // The password and the email are credentials (the email receives reset links): a leaked
  // access token must not be enough to take the account over.
  if ((input.password !== undefined || input.email !== undefined) && currentSessionId === null) {
    throw new AppError('SESSION_REQUIRED', 'Sign in with a password to change your password or email; access tokens cannot');
  }
  if (input.password !== undefined) {
    // The same policy as registration and auth.password.change, against the names being saved.
    assertPasswordPolicy(input.password, { username: input.username ?? user.username, email: input.email ?? user.email });
  }
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('users').select(['email']).where('id', '=', userId).forUpdate().executeTakeFirstOrThrow();
      const emailChanged = input.email !== undefined && input.email.toLowerCase() !== before.email.toLowerCase();
      const changes = {
        ...(input.email !== undefined && { email: input.email }),
        ...(emailChanged && { emailVerifiedAt: null }),
        ...(input.username !== undefined && { username: input.username }),
        ...(input.bio !== undefined && { bio: input.bio }),
        ...(input.image !== undefined && { image: input.image }),
        ...(passwordHash !== undefined && { passwordHash }),
      };
      const columns = ['id', 'email', 'username', 'bio', 'image', 'role', 'emailVerifiedAt'] as const;
      // An empty update (RealWorld clients send `{ user: {} }`) is valid and changes nothing;
      // `UPDATE … SET` with no columns is not valid SQL, so it reads the user instead.
      const user =
        Object.keys(changes).length === 0
          ? await trx.selectFrom('users').select(columns).where('id', '=', userId).executeTakeFirstOrThrow()
          : await trx.updateTable('users').set(changes).where('id', '=', userId).returning(columns).executeTakeFirstOrThrow();
      if (passwordHash !== undefined) {
        // Checked above: a password change always comes with the caller's session.
        await trx.deleteFrom('sessions').where('userId', '=', userId).where('id', '!=', currentSessionId ?? '').execute();
        await recordAudit(trx, origin, { action: 'user.password.changed', targetType: 'user', targetId: userId });
      }
      if (user.email !== before.email) {
        // A code sent to the old address must not verify the new one (email-verification.ts).
        await trx.deleteFrom('emailVerificationCodes').where('userId', '=', userId).execute();
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
