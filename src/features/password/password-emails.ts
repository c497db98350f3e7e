/**
 * The emails of the password feature, enqueued in the caller's transaction (transactional
 * outbox): no email for a rolled-back change, always one for a committed change.
 */
import type { Database } from '../../db/database.ts';
import { enqueueEmail } from '../../jobs/email-outbox.ts';

/** @example await sendPasswordResetLink(trx, { to, username, link, resetId }); */
export async function sendPasswordResetLink(db: Database, email: { to: string; username: string; link: string; resetId: string }): Promise<void> {
  await enqueueEmail(db, {
    to: email.to,
    subject: 'Reset your Conduit password',
    text: [
      `Hello ${email.username},`,
      '',
      'Someone (hopefully you) asked to reset the password of your Conduit account. Open this link within 30 minutes to choose a new one:',
      '',
      email.link,
      '',
      'If it was not you, ignore this email: your password stays as it is.',
    ].join('\n'),
    idempotencyKey: `password-reset:${email.resetId}`,
  });
}

/** The notice every password change or reset sends, so a takeover does not go unnoticed. */
export async function sendPasswordChangedNotice(db: Database, email: { to: string; username: string; how: 'changed' | 'reset'; eventId: string }): Promise<void> {
  await enqueueEmail(db, {
    to: email.to,
    subject: 'Your Conduit password was changed',
    text: [
      `Hello ${email.username},`,
      '',
      email.how === 'reset'
        ? 'The password of your Conduit account was just reset with an emailed link: every session was signed out and every personal access token revoked.'
        : 'The password of your Conduit account was just changed, and your other sessions were signed out.',
      '',
      'If this was not you, reset your password at once and contact us.',
    ].join('\n'),
    idempotencyKey: `password-${email.how}-notice:${email.eventId}`,
  });
}
