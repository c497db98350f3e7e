/**
 * Recovery codes: ten single-use codes of 80 random bits each, shown once when 2FA is turned
 * on and stored as SHA-256 (their entropy makes a slow hash unnecessary).
 */
import { randomInt } from 'node:crypto';

import type { Database } from '../../db/database.ts';
import { sha256Hex } from '../auth/session-tokens.ts';

export const recoveryCodeCount = 10;
const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'; // base32: no 0/1/8/9 to confuse with letters

/** @example generateRecoveryCode() // 'k2fq-7dxa-m3pe-wz5r' */
export function generateRecoveryCode(): string {
  const characters = Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join('');
  return characters.match(/.{4}/g)?.join('-') ?? characters;
}

/** Users retype codes with or without dashes, in either case. */
export function hashRecoveryCode(code: string): string {
  return sha256Hex(code.toLowerCase().replace(/[\s-]/g, ''));
}

/** Replaces the user's recovery codes with fresh ones and returns them (the only plaintext copy). */
export async function replaceRecoveryCodes(db: Database, userId: string): Promise<string[]> {
  const codes = Array.from({ length: recoveryCodeCount }, generateRecoveryCode);
  await db.deleteFrom('twoFactorRecoveryCodes').where('userId', '=', userId).execute();
  await db.insertInto('twoFactorRecoveryCodes').values(codes.map((code) => ({ userId, codeHash: hashRecoveryCode(code) }))).execute();
  return codes;
}

/** Marks a matching unused code as used; false when there is none (wrong or already used). */
export async function consumeRecoveryCode(db: Database, userId: string, code: string): Promise<boolean> {
  const result = await db
    .updateTable('twoFactorRecoveryCodes')
    .set({ usedAt: new Date() })
    .where('userId', '=', userId)
    .where('codeHash', '=', hashRecoveryCode(code))
    .where('usedAt', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
