/**
 * The step between a correct password and a correct second factor: a random challenge valid
 * for five minutes and five wrong codes, stored as its SHA-256 like every other secret.
 */
import { randomBytes } from 'node:crypto';

import type { Database } from '../../db/database.ts';
import { sha256Hex } from '../auth/session-tokens.ts';

export const loginChallengeLifetimeMs = 5 * 60_000;
export const loginChallengeMaxFailures = 5;

/** @example const { challenge, expiresAt } = await createLoginChallenge(db, user.id); */
export async function createLoginChallenge(db: Database, userId: string): Promise<{ challenge: string; expiresAt: Date }> {
  const challenge = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + loginChallengeLifetimeMs);
  // Expired challenges of this user are dead weight: drop them while we are here.
  await db.deleteFrom('loginChallenges').where('userId', '=', userId).where('expiresAt', '<=', new Date()).execute();
  await db.insertInto('loginChallenges').values({ id: sha256Hex(challenge), userId, expiresAt }).execute();
  return { challenge, expiresAt };
}

/** Whether the user has finished 2FA set-up (a pending secret does not count). */
export async function hasTwoFactorEnabled(db: Database, userId: string): Promise<boolean> {
  const row = await db.selectFrom('twoFactorCredentials').select('userId').where('userId', '=', userId).where('enabledAt', 'is not', null).executeTakeFirst();
  return row !== undefined;
}
