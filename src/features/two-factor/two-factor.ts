/**
 * Turning TOTP two-factor authentication on and off: `setup` stores a pending secret, `enable`
 * proves the authenticator app has it (and hands out recovery codes), `disable` needs a
 * current code or a recovery code.
 */
import type { User } from 'lucia';

import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit-log.ts';
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

/** @example const { recoveryCodes } = await enableTwoFactor(db, origin, user.id, '123456'); */
export async function enableTwoFactor(db: Database, origin: AuditOrigin, userId: string, code: string): Promise<{ recoveryCodes: string[] }> {
  return db.transaction().execute(async (trx) => {
    const credential = await trx.selectFrom('twoFactorCredentials').select(['secret', 'enabledAt']).where('userId', '=', userId).forUpdate().executeTakeFirst();
    if (!credential) throw new AppError('TWO_FACTOR_SETUP_REQUIRED', 'Call auth.twoFactor.setup first');
    if (credential.enabledAt) throw new AppError('TWO_FACTOR_ALREADY_ENABLED', 'Two-factor authentication is already on');
    if (!(await acceptTotpCode(trx, userId, credential.secret, code))) throw new AppError('INVALID_CODE', 'That code is not valid');
    await trx.updateTable('twoFactorCredentials').set({ enabledAt: new Date() }).where('userId', '=', userId).execute();
    const recoveryCodes = await replaceRecoveryCodes(trx, userId);
    await recordAudit(trx, origin, { action: 'auth.two_factor.enabled', targetType: 'user', targetId: userId });
    return { recoveryCodes };
  });
}

/** @example await disableTwoFactor(db, origin, user.id, '123456'); */
export async function disableTwoFactor(db: Database, origin: AuditOrigin, userId: string, code: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const credential = await trx.selectFrom('twoFactorCredentials').select(['secret', 'enabledAt']).where('userId', '=', userId).forUpdate().executeTakeFirst();
    if (!credential?.enabledAt) throw new AppError('TWO_FACTOR_NOT_ENABLED', 'Two-factor authentication is not on');
    const isValid = /^\d{6}$/.test(code) ? await acceptTotpCode(trx, userId, credential.secret, code) : await consumeRecoveryCode(trx, userId, code);
    if (!isValid) throw new AppError('INVALID_CODE', 'That code is not valid');
    await trx.deleteFrom('twoFactorRecoveryCodes').where('userId', '=', userId).execute();
    await trx.deleteFrom('twoFactorCredentials').where('userId', '=', userId).execute();
    await recordAudit(trx, origin, { action: 'auth.two_factor.disabled', targetType: 'user', targetId: userId });
  });
}
