/**
 * TOTP (RFC 6238) with `otpauth`: SHA-1, 6 digits, 30-second steps — what every authenticator
 * app supports. One step either side is accepted for clock drift, and each accepted step is
 * remembered so a code can never be used twice (replay).
 */
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

import type { Database } from '../../db/database.ts';

const period = 30;
const digits = 6;
const algorithm = 'SHA1';

/** @example const secret = generateTotpSecret(); // 'JBSWY3DPEHPK3PXP…' (32 base32 characters, 160 bits) */
export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/**
 * The `otpauth://` URI and its QR code (SVG) for an authenticator app.
 *
 * @example const { uri, qrSvg } = await describeTotpSecret(secret, { issuer: 'Conduit', label: 'alice' });
 */
export async function describeTotpSecret(secret: string, names: { issuer: string; label: string }): Promise<{ uri: string; qrSvg: string }> {
  const uri = new TOTP({ ...names, secret: Secret.fromBase32(secret), algorithm, digits, period }).toString();
  return { uri, qrSvg: await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M' }) };
}

/** The time step `code` belongs to (now, or one step either side), or null when it matches none. */
export function totpStepOf(secret: string, code: string, timestamp = Date.now()): number | null {
  const delta = TOTP.validate({ token: code, secret: Secret.fromBase32(secret), algorithm, digits, period, timestamp, window: 1 });
  return delta === null ? null : TOTP.counter({ period, timestamp }) + delta;
}

/**
 * Accepts `code` for the user's stored secret at most once: the step is recorded with a
 * conditional UPDATE, so two concurrent requests with the same code cannot both win.
 *
 * @example if (!(await acceptTotpCode(trx, user.id, secret, '123456'))) throw new AppError('INVALID_CODE', '…');
 */
export async function acceptTotpCode(db: Database, userId: string, secret: string, code: string): Promise<boolean> {
  const step = totpStepOf(secret, code);
  if (step === null) return false;
  const result = await db
    .updateTable('twoFactorCredentials')
    .set({ lastUsedStep: String(step) })
    .where('userId', '=', userId)
    .where((eb) => eb.or([eb('lastUsedStep', 'is', null), eb('lastUsedStep', '<', String(step))]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
