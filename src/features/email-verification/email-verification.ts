/**
 * Email verification by code: 8 characters (40 bits) from an unambiguous alphabet, valid for
 * 15 minutes and 5 wrong guesses, stored as a salted SHA-256 and bound to the address it was
 * sent to (changing the email makes the code useless).
 */
import { randomInt, timingSafeEqual } from 'node:crypto';

import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit-log.ts';
import { sha256Hex } from '../auth/session-tokens.ts';
import { sendVerificationCode } from './email-verification-emails.ts';

export const verificationCodeLifetimeMs = 15 * 60_000;
export const verificationCodeMaxFailures = 5;
/** One new code a minute is plenty for a human and stops the endpoint being a mail cannon. */
export const verificationCodeResendIntervalMs = 60_000;

const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** @example generateVerificationCode() // 'K7QW2MZP' */
export function generateVerificationCode(): string {
  return Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

/** The user id salts the hash, so equal codes of two users never share a hash. */
function hashVerificationCode(userId: string, code: string): string {
  return sha256Hex(`${userId}:${code.trim().toUpperCase()}`);
}

/** @example await requestEmailVerification(db, origin, user); // emails a fresh code */
export async function requestEmailVerification(
  db: Database,
  origin: AuditOrigin,
  user: { id: string; email: string; username: string; emailVerifiedAt: Date | null },
): Promise<{ expiresAt: Date }> {
  if (user.emailVerifiedAt) throw new AppError('EMAIL_ALREADY_VERIFIED', 'Your email address is already verified');
  const code = generateVerificationCode();
  const expiresAt = new Date(Date.now() + verificationCodeLifetimeMs);
  return db.transaction().execute(async (trx) => {
    const previous = await trx.selectFrom('emailVerificationCodes').select('createdAt').where('userId', '=', user.id).forUpdate().executeTakeFirst();
    const waitMs = previous ? previous.createdAt.getTime() + verificationCodeResendIntervalMs - Date.now() : 0;
    if (waitMs > 0) {
      const retryAfterSeconds = Math.ceil(waitMs / 1000);
      throw new AppError('RATE_LIMITED', `A code was just sent; ask again in ${retryAfterSeconds} seconds`, { details: { retryAfterSeconds } });
    }
    const values = { email: user.email, codeHash: hashVerificationCode(user.id, code), failedAttempts: 0, expiresAt, createdAt: new Date() };
    await trx
      .insertInto('emailVerificationCodes')
      .values({ userId: user.id, ...values })
      .onConflict((oc) => oc.column('userId').doUpdateSet(values))
      .execute();
    await recordAudit(trx, origin, { action: 'auth.email.verification_requested', targetType: 'user', targetId: user.id });
    await sendVerificationCode(trx, { to: user.email, username: user.username, code, codeKey: `${user.id}:${values.createdAt.getTime()}` });
    return { expiresAt };
  });
}

/**
 * Marks the user's email verified when `code` matches the code sent to their current address.
 *
 * @example await verifyEmail(db, origin, user, 'K7QW2MZP');
 */
export async function verifyEmail(db: Database, origin: AuditOrigin, user: { id: string }, code: string): Promise<void> {
  const outcome = await db.transaction().execute(async (trx) => {
    // The user row first, as `users.update` locks it before deleting the pending code: the same
    // order in both, so a concurrent email change waits for us (or we for it) — never a deadlock.
    // Its email, not the one read when the request was authenticated, is the address in force.
    const current = await trx.selectFrom('users').select('email').where('id', '=', user.id).forNoKeyUpdate().executeTakeFirstOrThrow();
    const pending = await trx
      .selectFrom('emailVerificationCodes')
      .select(['email', 'codeHash', 'failedAttempts', 'expiresAt'])
      .where('userId', '=', user.id)
      .forUpdate()
      .executeTakeFirst();
    if (!pending || pending.email !== current.email) return 'no_code' as const;
    if (pending.expiresAt <= new Date()) return 'expired' as const;
    if (pending.failedAttempts >= verificationCodeMaxFailures) return 'locked' as const;
    const isMatch = timingSafeEqual(Buffer.from(pending.codeHash, 'hex'), Buffer.from(hashVerificationCode(user.id, code), 'hex'));
    if (!isMatch) {
      await trx.updateTable('emailVerificationCodes').set({ failedAttempts: pending.failedAttempts + 1 }).where('userId', '=', user.id).execute();
      return pending.failedAttempts + 1 >= verificationCodeMaxFailures ? ('locked' as const) : ('wrong' as const);
    }
    // Only the address the code was sent to is marked verified: 0 rows is a wrong code, not a verified other address.
    const verified = await trx.updateTable('users').set({ emailVerifiedAt: new Date() }).where('id', '=', user.id).where('email', '=', pending.email).executeTakeFirst();
    if (verified.numUpdatedRows === 0n) return 'no_code' as const;
    await trx.deleteFrom('emailVerificationCodes').where('userId', '=', user.id).execute();
    await recordAudit(trx, origin, { action: 'auth.email.verified', targetType: 'user', targetId: user.id });
    return 'verified' as const;
  });
  if (outcome === 'no_code' || outcome === 'wrong') throw new AppError('INVALID_CODE', 'That code is not valid');
  if (outcome === 'expired') throw new AppError('CODE_EXPIRED', 'That code has expired; ask for a new one');
  if (outcome === 'locked') throw new AppError('TOO_MANY_ATTEMPTS', 'Too many wrong codes; ask for a new one');
}
