/**
 * Password hashing with argon2id at (at least) OWASP's recommended cost. Hashing runs on the
 * libuv thread pool (@node-rs/argon2 is async), so logins never block the event loop.
 */
import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';

/** OWASP Password Storage Cheat Sheet: m=19 MiB, t=2, p=1. Stored inside each PHC hash string. */
export const passwordHashOptions = {
  algorithm: 2 satisfies Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const satisfies Options;

/** @example const stored = await hashPassword('correct horse battery staple'); */
export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFKC'), passwordHashOptions);
}

/** Constant-time check of `password` against a stored PHC hash; false for a malformed hash. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password.normalize('NFKC'));
  } catch {
    return false;
  }
}

/** True when `storedHash` was made with weaker (or different) parameters than today's. */
export function needsRehash(storedHash: string): boolean {
  try {
    const current = parseOptions(storedHash);
    return (
      current.memoryCost !== passwordHashOptions.memoryCost ||
      current.timeCost !== passwordHashOptions.timeCost ||
      current.parallelism !== passwordHashOptions.parallelism ||
      !storedHash.startsWith('$argon2id$')
    );
  } catch {
    return true;
  }
}

/**
 * A real hash of a random password, verified against when the account does not exist so that
 * unknown and known accounts cost the same time (no enumeration by timing).
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  return dummyHash;
}
