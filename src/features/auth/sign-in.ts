/**
 * Registration, sign-in and sign-out. Each returns plain data; the router hands the token to
 * the transport (cookie) and the client (body).
 */
import type { User } from 'lucia';

import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import type { Config } from '../../config.ts';
import type { CurrentUser } from './auth.schemas.ts';
import { createLucia, type AppLucia } from './lucia.ts';
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

/**
 * Creates the account and its first session in one transaction.
 *
 * @example const { user, token } = await registerUser({ db, config }, { email, username, password }, client);
 */
export async function registerUser(
  deps: { db: Database; config: Pick<Config, 'NODE_ENV'> },
  input: { email: string; username: string; password: string },
  client: ClientInfo,
): Promise<SessionGrant> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('users')
        .values({ email: input.email, username: input.username, passwordHash })
        .returning('id')
        .executeTakeFirstOrThrow();
      const lucia = createLucia(trx, deps.config);
      const token = await startSession(lucia, id, client);
      const { user } = await lucia.validateSession(sessionIdForToken(token));
      if (!user) throw new Error('session vanished inside its own transaction');
      return { user: toCurrentUser(user), token };
    });
  } catch (error) {
    throw userConflictFrom(error) ?? error;
  }
}

/**
 * Checks a password for an email or username. Unknown accounts cost one argon2 verification
 * too and fail with the same reason and message, so neither timing nor wording reveals them.
 */
export async function signIn(
  deps: { db: Database; lucia: AppLucia },
  input: { login: string; password: string },
  client: ClientInfo,
): Promise<SessionGrant> {
  const login = input.login.toLowerCase();
  const account = await deps.db
    .selectFrom('users')
    .select(['id', 'passwordHash', 'suspendedAt'])
    .where((eb) => eb.or([eb(eb.fn('lower', ['email']), '=', login), eb(eb.fn('lower', ['username']), '=', login)]))
    .executeTakeFirst();
  const isValid = await verifyPassword(account?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!account || !isValid) throw new AppError('INVALID_CREDENTIALS', 'Wrong email, username or password');
  if (account.suspendedAt) throw new AppError('ACCOUNT_SUSPENDED', 'This account is suspended');
  if (needsRehash(account.passwordHash)) {
    await deps.db.updateTable('users').set({ passwordHash: await hashPassword(input.password) }).where('id', '=', account.id).execute();
  }
  const token = await startSession(deps.lucia, account.id, client);
  const { user } = await deps.lucia.validateSession(sessionIdForToken(token));
  if (!user) throw new Error('session vanished right after creation');
  return { user: toCurrentUser(user), token };
}
