/**
 * The send_email task: sends one queued email at most once per idempotency key. It checks
 * `sent_emails` before sending and records the key after; the only duplicate window left (a
 * crash between the SMTP accept and the insert) resends with the same Message-ID, which
 * receivers use to drop duplicates.
 */
import type { Task } from 'graphile-worker';

import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { sendEmailPayloadSchema } from './email-outbox.ts';
import { messageIdFor, type Mailer } from './mailer.ts';

export interface SendEmailTaskDeps {
  db: Database;
  mailer: Mailer;
  config: Pick<Config, 'MAIL_FROM'>;
}

/** @example run({ taskList: { [sendEmailTaskName]: createSendEmailTask({ db, mailer, config }) } }) */
export function createSendEmailTask({ db, mailer, config }: SendEmailTaskDeps): Task {
  return async (rawPayload, helpers) => {
    const email = sendEmailPayloadSchema.parse(rawPayload);
    const alreadySent = await db
      .selectFrom('sentEmails')
      .select('sentAt')
      .where('idempotencyKey', '=', email.idempotencyKey)
      .executeTakeFirst();
    if (alreadySent) {
      helpers.logger.info(`email ${email.idempotencyKey} was already sent; skipping`);
      return;
    }
    const messageId = messageIdFor(email.idempotencyKey, config.MAIL_FROM);
    await mailer.send({ to: email.to, subject: email.subject, text: email.text, html: email.html, messageId });
    await db
      .insertInto('sentEmails')
      .values({ idempotencyKey: email.idempotencyKey, messageId, recipient: email.to, subject: email.subject, transport: mailer.transport })
      .onConflict((conflict) => conflict.column('idempotencyKey').doNothing())
      .execute();
  };
}
