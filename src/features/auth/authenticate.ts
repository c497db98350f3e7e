/**
 * Resolves who is calling, once per HTTP request (a tRPC batch shares it): a session token
 * from the cookie or from `Authorization: Bearer|Token <token>`, or a personal access token
 * (`cdt_…`) from `Authorization`.
 */
import type { IncomingHttpHeaders } from 'node:http';

import type { Session, User } from 'lucia';

import type { Database } from '../../db/database.ts';
import { authenticateAccessToken, isAccessToken } from '../access-tokens/access-tokens.ts';
import type { AppLucia } from './lucia.ts';
import { sessionIdForToken } from './session-tokens.ts';

export type Scope = 'read' | 'write';

export interface Authentication {
  user: User;
  /** How the credential arrived: cookies need CSRF protection, bearer tokens do not. */
  via: 'cookie' | 'bearer';
  /** The session, when the credential is a session token; null for a personal access token. */
  session: Session | null;
  /** The personal access token's id, when the credential is one. */
  accessTokenId: string | null;
  /** The raw token, to set a renewed cookie; never logged or stored. */
  token: string;
  scopes: ReadonlySet<Scope>;
}

const allScopes: ReadonlySet<Scope> = new Set(['read', 'write']);

/** Reads the token and how it was sent; `Authorization` wins over the cookie. */
export function readCredential(headers: IncomingHttpHeaders, lucia: AppLucia): { token: string; via: 'cookie' | 'bearer' } | null {
  const authorization = headers.authorization;
  if (authorization) {
    // RealWorld clients send `Token <jwt>`; everyone else sends `Bearer <token>`.
    const match = /^(?:Bearer|Token)\s+([A-Za-z0-9._~+/=-]{16,512})$/i.exec(authorization.trim());
    return match?.[1] ? { token: match[1], via: 'bearer' } : null;
  }
  const token = headers.cookie ? lucia.readSessionCookie(headers.cookie) : null;
  return token ? { token, via: 'cookie' } : null;
}

/**
 * @example
 * const auth = await authenticate({ db, lucia }, request.headers);
 * if (auth) console.log(auth.user.username);
 */
export async function authenticate(
  deps: { db: Database; lucia: AppLucia },
  headers: IncomingHttpHeaders,
): Promise<Authentication | null> {
  const credential = readCredential(headers, deps.lucia);
  if (!credential) return null;
  if (credential.via === 'bearer' && isAccessToken(credential.token)) {
    const found = await authenticateAccessToken(deps.db, credential.token);
    if (!found) return null;
    return { user: found.user, session: null, accessTokenId: found.tokenId, via: 'bearer', token: credential.token, scopes: found.scopes };
  }
  const { session, user } = await deps.lucia.validateSession(sessionIdForToken(credential.token));
  if (!session) return null;
  await touchSession(deps.db, session.id);
  return { user, session, accessTokenId: null, via: credential.via, token: credential.token, scopes: allScopes };
}

/** Records use at most once a minute per session, so reads do not each cost a write. */
async function touchSession(db: Database, sessionId: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ lastUsedAt: new Date() })
    .where('id', '=', sessionId)
    .where('lastUsedAt', '<', new Date(Date.now() - 60_000))
    .execute();
}
