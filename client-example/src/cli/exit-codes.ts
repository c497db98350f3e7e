/**
 * What `conduit` exits with, so scripts can tell "fix your command" from "sign in" from "the
 * server is unwell" without parsing messages. README "Client example" lists the same table.
 */
import { serverErrorOf } from '../api.ts';

export const exitCodes = {
  ok: 0,
  /** The server failed (5xx) or could not be reached. */
  server: 1,
  /** Unknown command, missing argument, bad option value. */
  usage: 2,
  /** Not signed in, the token is invalid or expired, or the account may not do this. */
  auth: 3,
  /** The server refused the request: not found, conflict, invalid input, rate limited. */
  refused: 4,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** A mistake in the command line, found before any request is sent. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** No credentials to send (nothing stored, no --token, no CONDUIT_TOKEN). */
export class NotSignedInError extends Error {
  override name = 'NotSignedInError';
}

/**
 * @example exitCodeFor(new UsageError('--limit must be a number')); // 2
 */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return exitCodes.usage;
  if (error instanceof NotSignedInError) return exitCodes.auth;
  const server = serverErrorOf(error);
  if (!server) return exitCodes.server;
  if (server.code === 'UNAUTHORIZED' || server.code === 'FORBIDDEN') return exitCodes.auth;
  return server.httpStatus >= 500 ? exitCodes.server : exitCodes.refused;
}
