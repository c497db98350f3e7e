/**
 * Registration, sign-in and sign-out. Each returns plain data; the router hands the token to
 * the transport (cookie) and the client (body).
 */
import type { User } from 'lucia';

import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import type { Config } from '../../config.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit-log.ts';
import { createLoginChallenge, hasTwoFactorEnabled } from '../two-factor/login-challenges.ts';
import type { CurrentUser, LoginResult } from './auth.schemas.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { createLucia, type AppLucia } from './lucia.ts';
import { assertPasswordPolicy } from './password-policy.ts';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from './passwords.ts';
import { generateSessionToken, sessionIdForToken } from './session-tokens.ts';

export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

export interface SessionGrant {
  user: CurrentUser;
  token: string;
}

/** The signed-in user's own view of their account. */
export function toCurrentUser(user: User): CurrentUser {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    bio: user.bio,
    image: user.image,
    role: user.role,
    emailVerified: user.emailVerifiedAt !== null,
  };
}

/** Starts a session for `userId` and returns its token (the only copy that will ever exist). */
export async function startSession(lucia: AppLucia, userId: string, client: ClientInfo): Promise<string> {
  const token = generateSessionToken();
  await lucia.createSession(
    userId,
    { userAgent: client.userAgent?.slice(0, 512) ?? null, ip: client.ip },
    { sessionId: sessionIdForToken(token) },
  );
  return token;
}

const uniqueViolationReasons = {
  users_email_lower_unique: ['EMAIL_TAKEN', 'That email is already registered', 'email'],
  users_username_lower_unique: ['USERNAME_TAKEN', 'That username is taken', 'username'],
} as const;

/** Turns a unique-constraint violation on users into EMAIL_TAKEN / USERNAME_TAKEN. */
export function userConflictFrom(error: unknown): AppError | undefined {
  const { code, constraint } = error as { code?: string; constraint?: string };
  if (code !== '23505' || !constraint || !(constraint in uniqueViolationReasons)) return undefined;
  const [reason, message, field] = uniqueViolationReasons[constraint as keyof typeof uniqueViolationReasons];
  return new AppError(reason, message, { details: { field }, cause: error });
}

/** The client facts a session records, from the audit origin of the request. */
export function clientInfoOf(origin: AuditOrigin): ClientInfo {
  return { ip: origin.ip ?? '', userAgent: origin.userAgent ?? undefined };
}

/**
 * Creates the account and its first session in one transaction, with its audit record.
 *
 * @example const { user, token } = await registerUser({ db, config }, { email, username, password }, origin);
 */
export async function registerUser(
  deps: { db: Database; config: Pick<Config, 'NODE_ENV'> },
  input: { email: string; username: string; password: string },
  origin: AuditOrigin,
): Promise<SessionGrant> {
  assertPasswordPolicy(input.password, input);
  const passwordHash = await hashPassword(input.password);
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('users')
        .values({ email: input.email, username: input.username, passwordHash })
        .returning('id')
        .executeTakeFirstOrThrow();
      const lucia = createLucia(trx, deps.config);
      const token = await startSession(lucia, id, clientInfoOf(origin));
      const { user } = await lucia.validateSession(sessionIdForToken(token));
      if (!user) throw new Error('session vanished inside its own transaction');
      await recordAudit(trx, { ...origin, actorId: id }, { action: 'auth.register', targetType: 'user', targetId: id });
      return { user: toCurrentUser(user), token };
    });
  } catch (error) {
    throw userConflictFrom(error) ?? error;
  }
}

/**
 * Starts a session for a user who has passed every factor, and audits it.
 *
 * @example const grant = await grantSession({ db, lucia }, user.id, origin, { secondFactor: 'totp' });
 */
export async function grantSession(
  deps: { db: Database; lucia: AppLucia },
  userId: string,
  origin: AuditOrigin,
  metadata: Record<string, unknown> = {},
): Promise<SessionGrant> {
  const token = await startSession(deps.lucia, userId, clientInfoOf(origin));
  const { user } = await deps.lucia.validateSession(sessionIdForToken(token));
  if (!user) throw new Error('session vanished right after creation');
  await recordAudit(deps.db, { ...origin, actorId: userId }, { action: 'auth.login.succeeded', targetType: 'user', targetId: userId, metadata });
  return { user: toCurrentUser(user), token };
}

/**
 * Checks a password for an email or username. Unknown accounts cost one argon2 verification
 * too and fail with the same reason and message, so neither timing nor wording reveals them;
 * failures count towards the login throttle (per account name and per IP). With 2FA on, the
 * result is a challenge for `auth.twoFactor.verifyLogin` instead of a session.
 */
export async function signIn(
  deps: { db: Database; lucia: AppLucia; loginThrottle: LoginThrottle },
  input: { login: string; password: string },
  origin: AuditOrigin,
): Promise<LoginResult> {
  const ip = origin.ip ?? '';
  const login = input.login.toLowerCase();
  const account = await deps.db
    .selectFrom('users')
    .select(['id', 'username', 'passwordHash', 'suspendedAt'])
    .where((eb) => eb.or([eb(eb.fn('lower', ['email']), '=', login), eb(eb.fn('lower', ['username']), '=', login)]))
    .executeTakeFirst();
  // One budget per account, whichever name it is signed in with (email or username); an unknown
  // name is counted as itself, exactly like a real one.
  const throttleKey = account?.username ?? input.login;
  await deps.loginThrottle.assertAllowed(throttleKey, ip);
  const isValid = await verifyPassword(account?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!account || !isValid) {
    await deps.loginThrottle.recordFailure(throttleKey, ip);
    await recordAudit(deps.db, origin, {
      action: 'auth.login.failed',
      ...(account && { targetType: 'user', targetId: account.id }),
      metadata: { reason: account ? 'wrong_password' : 'unknown_account' },
    });
    throw new AppError('INVALID_CREDENTIALS', 'Wrong email, username or password');
  }
  if (account.suspendedAt) {
    await recordAudit(deps.db, origin, { action: 'auth.login.failed', targetType: 'user', targetId: account.id, metadata: { reason: 'suspended' } });
    throw new AppError('ACCOUNT_SUSPENDED', 'This account is suspended');
  }
  if (needsRehash(account.passwordHash)) {
    await deps.db.updateTable('users').set({ passwordHash: await hashPassword(input.password) }).where('id', '=', account.id).execute();
  }
  // With 2FA on, the failure count survives the password: wrong codes keep adding to it
  // (see two-factor-login.ts), so endless fresh challenges cannot brute-force the code.
  if (await hasTwoFactorEnabled(deps.db, account.id)) {
    return { twoFactorRequired: true, ...(await createLoginChallenge(deps.db, account.id)) };
  }
  await deps.loginThrottle.recordSuccess(throttleKey);
  return { twoFactorRequired: false, ...(await grantSession(deps, account.id, origin)) };
}
