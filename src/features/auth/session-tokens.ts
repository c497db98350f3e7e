/**
 * Session tokens: 256 random bits handed to the client once; the database keys the session by
 * the token's SHA-256, so it never holds a usable credential.
 */
import { createHash, randomBytes } from 'node:crypto';

/** @example const token = generateSessionToken(); // 'k3v…' (43 base64url characters, 256 bits) */
export function generateSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The session id stored for a token. @example sessionIdForToken(token) // 64 hex characters */
export function sessionIdForToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
