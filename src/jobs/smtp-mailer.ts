/**
 * SMTP through nodemailer, guarded by cockatiel: each send retries transient failures with
 * exponential backoff, and a shared circuit breaker stops hammering a server that is down
 * (the job then fails fast and graphile-worker retries it later with its own backoff).
 */
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
} from 'cockatiel';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';

import type { EmailMessage, Mailer, MailerConfig } from './mailer.ts';

/** 5xx replies (bad recipient, rejected content) will not improve with a retry; everything else might. */
function isTransientSmtpFailure(error: unknown): boolean {
  if (error instanceof BrokenCircuitError) return false;
  const responseCode = (error as { responseCode?: unknown }).responseCode;
  return typeof responseCode !== 'number' || responseCode < 500;
}

/** @example const mailer = createSmtpMailer({ ...config, SMTP_URL: 'smtp://127.0.0.1:2525' }, logger); */
export function createSmtpMailer(config: MailerConfig & { SMTP_URL: string }, logger: Logger): Mailer {
  const transporter = nodemailer.createTransport({
    url: config.SMTP_URL,
    connectionTimeout: config.SMTP_CONNECTION_TIMEOUT_MS,
    greetingTimeout: config.SMTP_CONNECTION_TIMEOUT_MS,
    socketTimeout: config.SMTP_SOCKET_TIMEOUT_MS,
  });
  const breaker = circuitBreaker(handleWhen(isTransientSmtpFailure), {
    halfOpenAfter: config.SMTP_BREAKER_HALF_OPEN_AFTER_MS,
    breaker: new ConsecutiveBreaker(config.SMTP_BREAKER_THRESHOLD),
  });
  breaker.onBreak(() => logger.warn({ halfOpenAfterMs: config.SMTP_BREAKER_HALF_OPEN_AFTER_MS }, 'SMTP circuit breaker opened'));
  breaker.onReset(() => logger.info('SMTP circuit breaker closed'));
  const retries = retry(handleWhen(isTransientSmtpFailure), {
    maxAttempts: config.SMTP_RETRY_ATTEMPTS - 1,
    backoff: new ExponentialBackoff({ initialDelay: config.SMTP_RETRY_INITIAL_DELAY_MS, maxDelay: 10_000 }),
  });
  retries.onRetry((event) => logger.warn({ delayMs: event.delay, err: 'error' in event ? event.error : undefined }, 'SMTP send failed; retrying'));
  // Retry outside the breaker: every attempt counts towards opening it, and an open breaker ends the retries.
  const policy = wrap(retries, breaker);

  return {
    transport: 'smtp',
    async send(message: EmailMessage) {
      await policy.execute(() =>
        transporter.sendMail({
          from: config.MAIL_FROM,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html === undefined ? {} : { html: message.html }),
          messageId: message.messageId,
        }),
      );
      logger.info({ messageId: message.messageId }, 'email sent over SMTP');
    },
    close: () => transporter.close(),
  };
}
