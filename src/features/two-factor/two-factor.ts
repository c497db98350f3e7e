/**
 * Turning TOTP two-factor authentication on and off: `setup` stores a pending secret, `enable`
 * proves the authenticator app has it (and hands out recovery codes), `disable` needs a
 * current code or a recovery code. Wrong codes count in the login throttle, as at sign-in.
 */
import type { User } from 'lucia';

import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit-log.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import { consumeRecoveryCode, replaceRecoveryCodes } from './recovery-codes.ts';
import { acceptTotpCode, describeTotpSecret, generateTotpSecret } from './totp.ts';

/**
 * Starts (or restarts) set-up with a fresh secret; refused while 2FA is on.
 *
 * @example const { secret, uri, qrSvg } = await setupTwoFactor(db, user, 'Conduit');
 */
export async function setupTwoFactor(db: Database, user: Pick<User, 'id' | 'username'>, issuer: string): Promise<{ secret: string; uri: string; qrSvg: string }> {
  const secret = generateTotpSecret();
  const stored = await db
    .insertInto('twoFactorCredentials')
    .values({ userId: user.id, secret })
    .onConflict((oc) => oc.column('userId').doUpdateSet({ secret, lastUsedStep: null }).where('twoFactorCredentials.enabledAt', 'is', null))
    .returning('userId')
    .executeTakeFirst();
  if (!stored) throw new AppError('TWO_FACTOR_ALREADY_ENABLED', 'Two-factor authentication is already on; disable it first');
  return { secret, ...(await describeTotpSecret(secret, { issuer, label: user.username })) };
}

/**
 * A wrong code counts against the account (by username) and the IP in the login throttle, as a
 * wrong code at sign-in does (two-factor-login.ts); once either is over its limit every attempt
 * is refused with RATE_LIMITED. Without this a stolen session could guess its way to turning
 * 2FA off at the general `write` rate (ASVS 2.2.1, 2.8.x).
 */
async function withCodeThrottle<T>(throttle: LoginThrottle, user: { username: string }, origin: AuditOrigin, attempt: () => Promise<T>): Promise<T> {
  const ip = origin.ip ?? '';
  await throttle.assertAllowed(user.username, ip);
  try {
    return await attempt();
  } catch (error) {
    if (error instanceof AppError && error.reason === 'INVALID_CODE') await throttle.recordFailure(user.username, ip);
    throw error;
  }
}

/** @example const { recoveryCodes } = await enableTwoFactor({ db, loginThrottle }, origin, user, '123456'); */
export async function enableTwoFactor(
  deps: { db: Database; loginThrottle: LoginThrottle },
  origin: AuditOrigin,
  user: Pick<User, 'id' | 'username'>,
  code: string,
): Promise<{ recoveryCodes: string[] }> {
  const userId = user.id;
  return withCodeThrottle(deps.loginThrottle, user, origin, () =>
    deps.db.transaction().execute(async (trx) => {
      const credential = await trx.selectFrom('twoFactorCredentials').select(['secret', 'enabledAt']).where('userId', '=', userId).forUpdate().executeTakeFirst();
      if (!credential) throw new AppError('TWO_FACTOR_SETUP_REQUIRED', 'Call auth.twoFactor.setup first');
      if (credential.enabledAt) throw new AppError('TWO_FACTOR_ALREADY_ENABLED', 'Two-factor authentication is already on');
      if (!(await acceptTotpCode(trx, userId, credential.secret, code))) throw new AppError('INVALID_CODE', 'That code is not valid');
      await trx.updateTable('twoFactorCredentials').set({ enabledAt: new Date() }).where('userId', '=', userId).execute();
      const recoveryCodes = await replaceRecoveryCodes(trx, userId);
      await recordAudit(trx, origin, { action: 'auth.two_factor.enabled', targetType: 'user', targetId: userId });
      return { recoveryCodes };
    }),
  );
}

/** @example await disableTwoFactor({ db, loginThrottle }, origin, user, '123456'); */
export async function disableTwoFactor(
  deps: { db: Database; loginThrottle: LoginThrottle },
  origin: AuditOrigin,
  user: Pick<User, 'id' | 'username'>,
  code: string,
): Promise<void> {
  const userId = user.id;
  await withCodeThrottle(deps.loginThrottle, user, origin, () =>
    deps.db.transaction().execute(async (trx) => {
      const credential = await trx.selectFrom('twoFactorCredentials').select(['secret', 'enabledAt']).where('userId', '=', userId).forUpdate().executeTakeFirst();
      if (!credential?.enabledAt) throw new AppError('TWO_FACTOR_NOT_ENABLED', 'Two-factor authentication is not on');
      const isValid = /^\d{6}$/.test(code) ? await acceptTotpCode(trx, userId, credential.secret, code) : await consumeRecoveryCode(trx, userId, code);
      if (!isValid) throw new AppError('INVALID_CODE', 'That code is not valid');
      await trx.deleteFrom('twoFactorRecoveryCodes').where('userId', '=', userId).execute();
      await trx.deleteFrom('twoFactorCredentials').where('userId', '=', userId).execute();
      await recordAudit(trx, origin, { action: 'auth.two_factor.disabled', targetType: 'user', targetId: userId });
    }),
  );
}
