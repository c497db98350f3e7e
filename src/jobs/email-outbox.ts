/**
 * TEMPORARY stand-in so the accounts branch compiles before the `jobs` branch (which owns this
 * file and the real transactional outbox) is merged; the merge replaces this file wholesale.
 */
import type { Kysely, Transaction } from 'kysely';

import type { DB } from '../db/schema.ts';

export interface OutboxEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  idempotencyKey?: string;
}

/** Stand-in: accepts the email and drops it (see the file comment). */
export function enqueueEmail(_db: Kysely<DB> | Transaction<DB>, _email: OutboxEmail): Promise<void> {
  return Promise.resolve();
}
