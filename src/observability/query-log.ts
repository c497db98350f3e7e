/**
 * Kysely's `log` hook: times every statement into the metrics and logs slow ones with the
 * request id of the request that ran them (SQL text only — parameters may hold personal data).
 */
import type { LogEvent } from 'kysely';
import type { Logger } from 'pino';

import type { AppMetrics } from './metrics.ts';
import { currentRequestScope } from './request-context.ts';

/**
 * @example new Kysely<DB>({ dialect, log: createQueryLog({ metrics, logger, slowQueryMs: 500 }) });
 */
export function createQueryLog(options: { metrics: AppMetrics | undefined; logger: Logger; slowQueryMs: number }) {
  const { metrics, logger, slowQueryMs } = options;
  return (event: LogEvent): void => {
    const outcome = event.level === 'query' ? 'ok' : 'error';
    metrics?.queryDuration.observe({ outcome }, event.queryDurationMillis / 1000);
    if (event.queryDurationMillis < slowQueryMs) return;
    const log = currentRequestScope()?.log ?? logger;
    log.warn(
      { durationMs: Math.round(event.queryDurationMillis), sql: event.query.sql.slice(0, 2_000), outcome },
      'slow query',
    );
  };
}
