/** Factories for accounts: real registrations over the API, with a client signed in as each. */
import { randomBytes } from 'node:crypto';

import { createApiClient, type TestServer } from './test-server.ts';

export interface TestAccount {
  id: string;
  email: string;
  username: string;
  password: string;
  token: string;
  /** A tRPC client authenticated with `Authorization: Bearer <token>`. */
  api: ReturnType<typeof createApiClient>;
}

/**
 * @example const alice = await registerAccount(server, { username: 'alice' });
 * await alice.api.auth.me.query();
 */
export async function registerAccount(
  server: Pick<TestServer, 'api' | 'baseUrl'>,
  overrides: Partial<{ email: string; username: string; password: string }> = {},
): Promise<TestAccount> {
  const suffix = randomBytes(4).toString('hex');
  const username = overrides.username ?? `user_${suffix}`;
  const email = overrides.email ?? `${username}@example.com`;
  const password = overrides.password ?? `pw-${randomBytes(8).toString('hex')}`;
  const { user, token } = await server.api.auth.register.mutate({ email, username, password });
  return { id: user.id, email, username, password, token, api: createApiClient(server.baseUrl, { authorization: `Bearer ${token}` }) };
}

/**
 * Signs in with a password (an account without 2FA) and returns the session grant.
 *
 * @example const { token } = await signIn(server, alice.username, alice.password);
 */
export async function signIn(server: Pick<TestServer, 'api'>, login: string, password: string) {
  const result = await server.api.auth.login.mutate({ login, password });
  if (result.twoFactorRequired) throw new Error(`${login} has 2FA on: use auth.twoFactor.verifyLogin`);
  return result;
}
