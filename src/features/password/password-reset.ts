/**
 * Password reset by emailed link (The Copenhagen Book): a 256-bit single-use token valid for
 * 30 minutes, stored as SHA-256; asking gives the same answer whether or not the address has
 * an account; a reset ends every session, revokes every personal access token and mails a notice.
 */
import { randomBytes } from 'node:crypto';

import type { FastifyBaseLogger } from 'fastify';

import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit-log.ts';
import { assertPasswordPolicy } from '../auth/password-policy.ts';
import { hashPassword } from '../auth/passwords.ts';
import { sha256Hex } from '../auth/session-tokens.ts';
import { sendPasswordChangedNotice, sendPasswordResetLink } from './password-emails.ts';

export const passwordResetLifetimeMs = 30 * 60_000;

export const passwordResetRequestedMessage = 'If an account exists for that address, we have emailed it a link to reset the password.';

/**
 * Answers at once with the same sentence for every address; for a registered (and not
 * suspended) one, the token and its email are written after the answer, so neither the reply
 * nor its timing says whether the account exists. A failure there is logged, not returned.
 *
 * @example await requestPasswordReset({ db, config, log }, origin, 'alice@example.com'); // always the same message
 */
export function requestPasswordReset(
  deps: { db: Database; config: Pick<Config, 'APP_URL'>; log: Pick<FastifyBaseLogger, 'error'> },
  origin: AuditOrigin,
  email: string,
): { message: string } {
  void issuePasswordResetToken(deps, origin, email).catch((error: unknown) => deps.log.error({ err: error }, 'password reset request failed'));
  return { message: passwordResetRequestedMessage };
}

async function issuePasswordResetToken(deps: { db: Database; config: Pick<Config, 'APP_URL'> }, origin: AuditOrigin, email: string): Promise<void> {
  const account = await deps.db
    .selectFrom('users')
    .select(['id', 'email', 'username'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .where('suspendedAt', 'is', null)
    .executeTakeFirst();
  if (!account) return;
  const token = randomBytes(32).toString('base64url');
  await deps.db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('passwordResetTokens')
      .values({ userId: account.id, tokenHash: sha256Hex(token), expiresAt: new Date(Date.now() + passwordResetLifetimeMs) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, origin, { action: 'auth.password.reset_requested', targetType: 'user', targetId: account.id });
    const link = new URL('/reset-password', deps.config.APP_URL);
    link.searchParams.set('token', token);
    await sendPasswordResetLink(trx, { to: account.email, username: account.username, link: link.toString(), resetId: id });
  });
}

/**
 * Sets a new password with a reset token, spends the token (and any other outstanding ones),
 * and ends every session and personal access token of the account.
 *
 * @example await resetPassword(db, origin, { token, newPassword: 'a new long passphrase' });
 */
export async function resetPassword(db: Database, origin: AuditOrigin, input: { token: string; newPassword: string }): Promise<void> {
  const tokenHash = sha256Hex(input.token);
  const found = await db
    .selectFrom('passwordResetTokens')
    .innerJoin('users', 'users.id', 'passwordResetTokens.userId')
    .select(['passwordResetTokens.id', 'passwordResetTokens.userId', 'passwordResetTokens.expiresAt', 'passwordResetTokens.usedAt', 'users.username', 'users.email'])
    .where('passwordResetTokens.tokenHash', '=', tokenHash)
    .executeTakeFirst();
  if (!found || found.usedAt) throw new AppError('INVALID_TOKEN', 'This reset link is not valid; request a new one');
  if (found.expiresAt <= new Date()) throw new AppError('INVALID_TOKEN', 'This reset link has expired; request a new one', { details: { expired: true } });
  assertPasswordPolicy(input.newPassword, found);
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    // The conditional UPDATE is the single-use guarantee: of two concurrent resets, one wins.
    const spent = await trx
      .updateTable('passwordResetTokens')
      .set({ usedAt: new Date() })
      .where('tokenHash', '=', tokenHash)
      .where('usedAt', 'is', null)
      .where('expiresAt', '>', new Date())
      .executeTakeFirst();
    if (spent.numUpdatedRows === 0n) throw new AppError('INVALID_TOKEN', 'This reset link is not valid; request a new one');
    await trx.updateTable('passwordResetTokens').set({ usedAt: new Date() }).where('userId', '=', found.userId).where('usedAt', 'is', null).execute();
    await trx.updateTable('users').set({ passwordHash }).where('id', '=', found.userId).execute();
    const revoked = await trx.deleteFrom('sessions').where('userId', '=', found.userId).returning('id').execute();
    // A reset is how a victim takes the account back: a token an attacker minted with a stolen
    // session must die with it (a signed-in password change keeps tokens; docs/accounts-and-security.md).
    const revokedTokens = await trx.deleteFrom('personalAccessTokens').where('userId', '=', found.userId).returning('id').execute();
    await recordAudit(trx, { ...origin, actorId: found.userId }, {
      action: 'auth.password.reset',
      targetType: 'user',
      targetId: found.userId,
      metadata: { revokedSessions: revoked.length, revokedAccessTokens: revokedTokens.length },
    });
    await sendPasswordChangedNotice(trx, { to: found.email, username: found.username, how: 'reset', eventId: found.id });
  });
}
