/** Routes graphile-worker's log lines into our pino logger, so job logs look like every other log. */
import { Logger as GraphileLogger, type LogLevel } from 'graphile-worker';
import type { Logger } from 'pino';

const pinoLevelFor = { error: 'error', warning: 'warn', info: 'info', debug: 'debug' } as const satisfies Record<LogLevel, string>;

/** @example run({ connectionString, logger: graphileLoggerFor(logger) }) */
export function graphileLoggerFor(logger: Logger): GraphileLogger {
  const jobsLogger = logger.child({ component: 'jobs' });
  return new GraphileLogger((scope) => (level, message, meta) => {
    jobsLogger[pinoLevelFor[level]]({ ...scope, ...meta }, message);
  });
}
