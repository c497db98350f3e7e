/** The verification-code email, enqueued in the caller's transaction (transactional outbox). */
import type { Database } from '../../db/database.ts';
import { enqueueEmail } from '../../jobs/email-outbox.ts';

/** @example await sendVerificationCode(trx, { to, username, code, codeKey }); */
export async function sendVerificationCode(db: Database, email: { to: string; username: string; code: string; codeKey: string }): Promise<void> {
  await enqueueEmail(db, {
    to: email.to,
    // Not in the subject: subjects are kept in sent_emails, and the code must not be stored.
    subject: 'Your Conduit verification code',
    text: [`Hello ${email.username},`, '', `Your code to verify this email address is ${email.code}. It is valid for 15 minutes.`, '', 'If you did not ask for it, ignore this email.'].join('\n'),
    idempotencyKey: `verify-email:${email.codeKey}`,
  });
}
