/**
 * The process logger: structured JSON in production, readable lines in development, with
 * credentials redacted wherever they appear in a logged object.
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

import type { Config } from '../config.ts';

/** Paths pino replaces with "[REDACTED]". Wildcards cover one level of nesting (e.g. `input.password`). */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'accessToken',
  'sessionToken',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.sessionToken',
  // graphile-worker logs each finished job whole; an email job's payload
  // carries reset links and verification codes.
  'job.payload',
];

/**
 * Builds the logger for a config. Pass `destination` to capture output (tests do).
 *
 * @example
 * const logger = createLogger(loadConfig());
 * logger.info({ port: 3000 }, 'listening');
 */
export function createLogger(
  config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>,
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level: config.LOG_LEVEL,
    redact: { paths: redactedPaths, censor: '[REDACTED]' },
    base: { service: 'conduit-api' },
  };
  if (destination) return pino(options, destination);
  if (config.NODE_ENV === 'development') {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } },
    });
  }
  return pino(options);
}
