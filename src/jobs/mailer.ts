/**
 * The mailer the send_email task uses: SMTP when `SMTP_URL` is set, otherwise the development
 * transport (log + local mailbox). Tasks only see this interface, never nodemailer.
 */
import { createHash } from 'node:crypto';

import type { Logger } from 'pino';

import type { Config } from '../config.ts';
import { createDevelopmentMailer } from './dev-mailbox.ts';
import { createSmtpMailer } from './smtp-mailer.ts';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  /** `<…@domain>`; derived from the idempotency key so a resend carries the same id. */
  messageId: string;
}

export interface Mailer {
  /** Recorded in `sent_emails.transport`. */
  readonly transport: 'smtp' | 'development';
  send(message: EmailMessage): Promise<void>;
  close(): void;
}

export type MailerConfig = Pick<
  Config,
  | 'NODE_ENV'
  | 'SMTP_URL'
  | 'MAIL_FROM'
  | 'SMTP_CONNECTION_TIMEOUT_MS'
  | 'SMTP_SOCKET_TIMEOUT_MS'
  | 'SMTP_RETRY_ATTEMPTS'
  | 'SMTP_RETRY_INITIAL_DELAY_MS'
  | 'SMTP_BREAKER_THRESHOLD'
  | 'SMTP_BREAKER_HALF_OPEN_AFTER_MS'
  | 'DEV_MAILBOX_DIR'
>;

/** @example const mailer = createMailer(config, logger); await mailer.send(message); mailer.close(); */
export function createMailer(config: MailerConfig, logger: Logger): Mailer {
  const mailLogger = logger.child({ component: 'mailer' });
  if (config.SMTP_URL) return createSmtpMailer({ ...config, SMTP_URL: config.SMTP_URL }, mailLogger);
  return createDevelopmentMailer(config, mailLogger);
}

/**
 * A stable Message-ID for an idempotency key, on the sender's domain.
 *
 * @example messageIdFor('verify-email:42', 'Conduit <no-reply@conduit.example>') // '<3f1c…@conduit.example>'
 */
export function messageIdFor(idempotencyKey: string, mailFrom: string): string {
  const domain = /@([^\s>]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'conduit.localhost';
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<${digest}@${domain}>`;
}
