/**
 * Password hashing with argon2id at (at least) OWASP's recommended cost. Hashing runs on the
 * libuv thread pool (@node-rs/argon2 is async), so logins never block the event loop.
 */
import { availableParallelism } from 'node:os';

import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { bulkhead } from 'cockatiel';

/** OWASP Password Storage Cheat Sheet: m=19 MiB, t=2, p=1. Stored inside each PHC hash string. */
export const passwordHashOptions = {
  algorithm: 2 satisfies Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const satisfies Options;

/**
 * At most (cores − 1) argon2 computations run at once; the others wait their turn. Each one
 * keeps a core busy for ~25 ms and holds 19 MiB: with libuv's four pool threads all hashing on
 * a 2-core machine the event loop waited behind them (loop delay p99 > 200 ms during a burst
 * of sign-ins) and 4 × 19 MiB stayed resident. Throughput is unchanged, since the cores were
 * the limit anyway, and the pool keeps threads free for file and DNS work. Process-wide on
 * purpose: the cores and the thread pool are.
 */
const argon2Turns = bulkhead(Math.max(1, availableParallelism() - 1), Number.POSITIVE_INFINITY);

/** @example const stored = await hashPassword('correct horse battery staple'); */
export function hashPassword(password: string): Promise<string> {
  return argon2Turns.execute(() => hash(password.normalize('NFKC'), passwordHashOptions));
}

/** Constant-time check of `password` against a stored PHC hash; false for a malformed hash. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await argon2Turns.execute(() => verify(storedHash, password.normalize('NFKC')));
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
