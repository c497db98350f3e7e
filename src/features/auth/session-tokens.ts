/**
 * Session tokens: 256 random bits handed to the client once; the database keys the session by
 * the token's SHA-256, so it never holds a usable credential. The same hashing serves every
 * other high-entropy secret we hand out (reset tokens, access tokens, login challenges).
 */
import { createHash, randomBytes } from 'node:crypto';

/** @example const token = generateSessionToken(); // 'k3v…' (43 base64url characters, 256 bits) */
export function generateSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** @example sha256Hex('abc') // 'ba7816bf…' (64 hex characters) */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The session id stored for a token. @example sessionIdForToken(token) // 64 hex characters */
export function sessionIdForToken(token: string): string {
  return sha256Hex(token);
}
