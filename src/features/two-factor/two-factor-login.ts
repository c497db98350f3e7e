/**
 * `auth.twoFactor.verifyLogin`: finishes a sign-in that stopped at a 2FA challenge. A challenge
 * is single-use, lives five minutes and survives five wrong codes; a TOTP code is accepted
 * once (replay) and a recovery code is spent.
 */
import { AppError } from '../../lib/errors.ts';
import type { Database } from '../../db/database.ts';
import type { AuditOrigin } from '../audit/audit-log.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import type { AppLucia } from '../auth/lucia.ts';
import { sha256Hex } from '../auth/session-tokens.ts';
import { grantSession, type SessionGrant } from '../auth/sign-in.ts';
import { loginChallengeMaxFailures } from './login-challenges.ts';
import { consumeRecoveryCode } from './recovery-codes.ts';
import type { VerifyLoginInput } from './two-factor.schemas.ts';
import { acceptTotpCode } from './totp.ts';

/**
 * @example const { user, token } = await completeTwoFactorLogin({ db, lucia }, { challenge, code: '123456' }, origin);
 */
export async function completeTwoFactorLogin(
  deps: { db: Database; lucia: AppLucia; loginThrottle: LoginThrottle },
  input: VerifyLoginInput,
  origin: AuditOrigin,
): Promise<SessionGrant> {
  const challengeId = sha256Hex(input.challenge);
  const ip = origin.ip ?? '';
  // Second-factor guesses count against the account (by username) like password guesses.
  const owner = await deps.db
    .selectFrom('loginChallenges')
    .innerJoin('users', 'users.id', 'loginChallenges.userId')
    .select('users.username')
    .where('loginChallenges.id', '=', challengeId)
    .executeTakeFirst();
  if (owner) await deps.loginThrottle.assertAllowed(owner.username, ip);
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const challenge = await trx
      .selectFrom('loginChallenges')
      .innerJoin('users', 'users.id', 'loginChallenges.userId')
      .innerJoin('twoFactorCredentials', 'twoFactorCredentials.userId', 'loginChallenges.userId')
      .select(['loginChallenges.userId', 'loginChallenges.expiresAt', 'loginChallenges.failedAttempts', 'twoFactorCredentials.secret', 'users.suspendedAt'])
      .where('loginChallenges.id', '=', challengeId)
      .forUpdate(['loginChallenges'])
      .executeTakeFirst();
    if (!challenge || challenge.expiresAt <= new Date()) return { kind: 'expired' } as const;
    if (challenge.suspendedAt) return { kind: 'suspended' } as const;
    const isValid =
      'code' in input
        ? await acceptTotpCode(trx, challenge.userId, challenge.secret, input.code)
        : await consumeRecoveryCode(trx, challenge.userId, input.recoveryCode);
    if (isValid) {
      await trx.deleteFrom('loginChallenges').where('id', '=', challengeId).execute();
      return { kind: 'passed', userId: challenge.userId } as const;
    }
    // Counted (and, at the limit, the challenge dropped) in this committed transaction.
    if (challenge.failedAttempts + 1 >= loginChallengeMaxFailures) {
      await trx.deleteFrom('loginChallenges').where('id', '=', challengeId).execute();
    } else {
      await trx.updateTable('loginChallenges').set({ failedAttempts: challenge.failedAttempts + 1 }).where('id', '=', challengeId).execute();
    }
    await recordAudit(trx, origin, { action: 'auth.login.failed', targetType: 'user', targetId: challenge.userId, metadata: { reason: 'wrong_second_factor' } });
    return { kind: 'wrong', isLastAttempt: challenge.failedAttempts + 1 >= loginChallengeMaxFailures } as const;
  });
  if (owner && outcome.kind === 'wrong') await deps.loginThrottle.recordFailure(owner.username, ip);
  if (owner && outcome.kind === 'passed') await deps.loginThrottle.recordSuccess(owner.username);
  switch (outcome.kind) {
    case 'expired':
      throw new AppError('CHALLENGE_EXPIRED', 'This sign-in has expired; sign in with your password again');
    case 'suspended':
      throw new AppError('ACCOUNT_SUSPENDED', 'This account is suspended');
    case 'wrong':
      if (outcome.isLastAttempt) throw new AppError('TOO_MANY_ATTEMPTS', 'Too many wrong codes; sign in with your password again');
      throw new AppError('INVALID_CODE', 'That code is not valid');
    case 'passed':
      return grantSession(deps, outcome.userId, origin, { secondFactor: 'code' in input ? 'totp' : 'recovery_code' });
  }
}
