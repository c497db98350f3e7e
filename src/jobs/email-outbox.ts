/**
 * The transactional outbox for email: `enqueueEmail` writes a graphile-worker job with the
 * caller's own connection or transaction, so the email exists exactly when the change that
 * caused it commits (rollback → nothing sent; commit → sent by the worker, even after a crash).
 */
import { randomUUID } from 'node:crypto';

import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';

import type { DB } from '../db/schema.ts';

/** The graphile-worker task identifier the worker registers `sendEmailTask` under. */
export const sendEmailTaskName = 'send_email';

/**
 * Enough attempts to outlast a mail provider's outage of most of a day: graphile-worker waits
 * exp(min(attempt, 10)) seconds between attempts (≈3 s, 7 s, … capped near 6 h).
 */
export const emailMaxAttempts = 12;

const singleLine = (max: number) =>
  z.string().min(1).max(max).refine((value) => !/[\r\n]/.test(value), 'must be a single line');

export const outboxEmailSchema = z.object({
  to: z.email().max(320),
  subject: singleLine(200),
  text: z.string().min(1).max(100_000),
  html: z.string().min(1).max(500_000).optional(),
  /**
   * The same key never mails twice (the worker records sent keys). Derive it from what caused
   * the email (`verify-email:<code id>`); omitted → a random key (each call sends once).
   */
  idempotencyKey: singleLine(150).optional(),
});

export type OutboxEmail = z.input<typeof outboxEmailSchema>;

/** What a send_email job carries; the worker validates it again before sending. */
export const sendEmailPayloadSchema = outboxEmailSchema.required({ idempotencyKey: true });
export type SendEmailPayload = z.infer<typeof sendEmailPayloadSchema>;

/**
 * Enqueues an email in the same transaction as the change that causes it.
 *
 * @example
 * await db.transaction().execute(async (trx) => {
 *   const code = await createVerificationCode(trx, user.id);
 *   await enqueueEmail(trx, {
 *     to: user.email,
 *     subject: 'Verify your email',
 *     text: `Your code is ${code.plain}`,
 *     idempotencyKey: `verify-email:${code.id}`,
 *   });
 * }); // rolled back → no email; committed → the worker sends it once
 */
export async function enqueueEmail(db: Kysely<DB> | Transaction<DB>, email: OutboxEmail): Promise<void> {
  const parsed = outboxEmailSchema.parse(email);
  const payload: SendEmailPayload = { ...parsed, idempotencyKey: parsed.idempotencyKey ?? randomUUID() };
  // job_key collapses a re-enqueue of a still-pending email into one job; `sent_emails` covers
  // re-enqueues after it ran. Plain SQL (not WorkerUtils) so the caller's transaction is used.
  await sql`
    SELECT graphile_worker.add_job(
      ${sendEmailTaskName},
      ${JSON.stringify(payload)}::json,
      max_attempts => ${emailMaxAttempts}::int,
      job_key => ${`email:${payload.idempotencyKey}`}::text
    )`.execute(db);
}
