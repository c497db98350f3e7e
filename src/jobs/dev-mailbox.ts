/**
 * The development transport: with no SMTP_URL, each email is logged and written as a JSON file
 * to DEV_MAILBOX_DIR, where `GET /dev/mailbox` (and a developer) can read it — also when the
 * worker runs as its own process. In production it logs only the envelope, never the body.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { Logger } from 'pino';

import type { EmailMessage, Mailer, MailerConfig } from './mailer.ts';

export interface MailboxMessage extends EmailMessage {
  from: string;
  sentAt: string;
}

/** @example const mailer = createDevelopmentMailer(config, logger); */
export function createDevelopmentMailer(config: Pick<MailerConfig, 'NODE_ENV' | 'MAIL_FROM' | 'DEV_MAILBOX_DIR'>, logger: Logger): Mailer {
  const isProduction = config.NODE_ENV === 'production';
  if (isProduction) logger.warn('SMTP_URL is not set: emails are logged (envelope only), not delivered');
  return {
    transport: 'development',
    async send(message) {
      if (isProduction) {
        logger.info({ to: message.to, subject: message.subject, messageId: message.messageId }, 'email not delivered (no SMTP_URL)');
        return;
      }
      const stored: MailboxMessage = { ...message, from: config.MAIL_FROM, sentAt: new Date().toISOString() };
      await mkdir(config.DEV_MAILBOX_DIR, { recursive: true });
      // Time-ordered names: the mailbox lists newest first by sorting names.
      const file = path.join(config.DEV_MAILBOX_DIR, `${Date.now().toString().padStart(15, '0')}-${randomBytes(4).toString('hex')}.json`);
      await writeFile(file, JSON.stringify(stored, null, 2));
      logger.info({ to: message.to, subject: message.subject, messageId: message.messageId, text: message.text, file }, 'email kept in the development mailbox');
    },
    close: () => undefined,
  };
}

/**
 * The latest `limit` messages in the development mailbox, newest first.
 *
 * @example const [latest] = await readDevMailbox('.data/mailbox', 1);
 */
export async function readDevMailbox(directory: string, limit: number): Promise<MailboxMessage[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw error;
  }
  const newest = names.filter((name) => name.endsWith('.json')).sort().reverse().slice(0, limit);
  return Promise.all(
    // The files are ours (written above), so their shape is MailboxMessage.
    newest.map(async (name) => JSON.parse(await readFile(path.join(directory, name), 'utf8')) as MailboxMessage),
  );
}
