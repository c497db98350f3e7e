/**
 * Personal access tokens: `cdt_` + 256 random bits, shown once, stored as SHA-256. They
 * authenticate `Authorization: Bearer` requests with the scopes they were created with.
 */
import { randomBytes } from 'node:crypto';

import type { User } from 'lucia';

import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit-log.ts';
import type { Scope } from '../auth/authenticate.ts';
import { sha256Hex } from '../auth/session-tokens.ts';
import type { AccessTokenSummary, CreateAccessTokenInput } from './access-tokens.schemas.ts';

/** Recognisable in logs, config files and secret scanners. */
export const accessTokenPrefix = 'cdt_';

/** @example isAccessToken('cdt_abc…') // true */
export function isAccessToken(token: string): boolean {
  return token.startsWith(accessTokenPrefix);
}

const summaryColumns = ['id', 'name', 'scopes', 'createdAt', 'expiresAt', 'lastUsedAt'] as const;

function toSummary(row: { id: string; name: string; scopes: string[]; createdAt: Date; expiresAt: Date | null; lastUsedAt: Date | null }): AccessTokenSummary {
  // The CHECK constraint limits scopes to 'read' and 'write'.
  return { ...row, scopes: row.scopes as Scope[] };
}

/**
 * Creates a token for `userId`; the raw token is returned here and never again.
 *
 * @example const { token } = await createAccessToken(db, origin, user.id, { name: 'ci', scopes: ['read'] });
 */
export async function createAccessToken(
  db: Database,
  origin: AuditOrigin,
  userId: string,
  input: CreateAccessTokenInput,
): Promise<AccessTokenSummary & { token: string }> {
  const token = accessTokenPrefix + randomBytes(32).toString('base64url');
  const expiresAt = input.expiresInDays === undefined ? null : new Date(Date.now() + input.expiresInDays * 86_400_000);
  const scopes = [...new Set(input.scopes)].sort();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('personalAccessTokens')
      .values({ userId, name: input.name, tokenHash: sha256Hex(token), scopes, expiresAt })
      .returning(summaryColumns)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, origin, { action: 'auth.token.created', targetType: 'access_token', targetId: row.id, metadata: { name: input.name, scopes } });
    return { ...toSummary(row), token };
  });
}

/** @example const tokens = await listAccessTokens(db, user.id); */
export async function listAccessTokens(db: Database, userId: string): Promise<AccessTokenSummary[]> {
  const rows = await db.selectFrom('personalAccessTokens').select(summaryColumns).where('userId', '=', userId).orderBy('createdAt', 'desc').execute();
  return rows.map(toSummary);
}

/** Deletes one of the caller's tokens; NOT_FOUND for someone else's (no existence oracle). */
export async function revokeAccessToken(db: Database, origin: AuditOrigin, userId: string, tokenId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const deleted = await trx.deleteFrom('personalAccessTokens').where('id', '=', tokenId).where('userId', '=', userId).returning('name').executeTakeFirst();
    if (!deleted) throw new AppError('NOT_FOUND', 'No such access token');
    await recordAudit(trx, origin, { action: 'auth.token.revoked', targetType: 'access_token', targetId: tokenId, metadata: { name: deleted.name } });
  });
}

/**
 * The user and scopes behind a raw token, or null when it is unknown or expired. Marks the
 * token used at most once a minute so reads do not each cost a write.
 *
 * @example const found = await authenticateAccessToken(db, 'cdt_…');
 */
export async function authenticateAccessToken(db: Database, token: string): Promise<{ tokenId: string; user: User; scopes: Set<Scope> } | null> {
  const row = await db
    .selectFrom('personalAccessTokens')
    .innerJoin('users', 'users.id', 'personalAccessTokens.userId')
    .select([
      'personalAccessTokens.id as tokenId',
      'personalAccessTokens.scopes',
      'personalAccessTokens.expiresAt',
      'personalAccessTokens.lastUsedAt',
      'users.id',
      'users.email',
      'users.username',
      'users.role',
      'users.bio',
      'users.image',
      'users.emailVerifiedAt',
      'users.suspendedAt',
    ])
    .where('personalAccessTokens.tokenHash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row || (row.expiresAt && row.expiresAt <= new Date())) return null;
  if (!row.lastUsedAt || row.lastUsedAt < new Date(Date.now() - 60_000)) {
    await db.updateTable('personalAccessTokens').set({ lastUsedAt: new Date() }).where('id', '=', row.tokenId).execute();
  }
  // role is constrained by a CHECK to the three values, scopes to 'read' and 'write'.
  const user: User = {
    id: row.id,
    email: row.email,
    username: row.username,
    role: row.role as User['role'],
    bio: row.bio,
    image: row.image,
    emailVerifiedAt: row.emailVerifiedAt,
    suspendedAt: row.suspendedAt,
  };
  return { tokenId: row.tokenId, user, scopes: new Set(row.scopes as Scope[]) };
}
