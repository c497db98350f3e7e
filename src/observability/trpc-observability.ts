/**
 * tRPC adapter hooks for operators: errors counted by stable reason, and `Retry-After` on every
 * 503 so well-behaved clients back off while the database or the process recovers.
 */
import type { TRPCError } from '@trpc/server';
import type { FastifyBaseLogger } from 'fastify';

import type { Config } from '../config.ts';
import { describeError } from '../trpc/error-contract.ts';
import { appRouter } from '../trpc/router.ts';
import type { AppMetrics } from './metrics.ts';

/**
 * Counts a failed call, and reports a statement cancelled by statement_timeout (a 408 that the
 * 5xx error log would not show). Unknown procedure paths are folded into one label value: the
 * path comes from the URL, and a label per made-up path would let any caller grow the registry.
 *
 * @example countProcedureError(metrics, 'auth.login', error, req.log);
 */
export function countProcedureError(metrics: AppMetrics, path: string | undefined, error: TRPCError, log: FastifyBaseLogger): void {
  const procedure = path !== undefined && Object.hasOwn(appRouter._def.procedures, path) ? path : '(unknown)';
  const { reason } = describeError(error);
  metrics.procedureErrors.inc({ procedure, reason });
  if (reason === 'TIMEOUT') log.warn({ procedure, err: error.cause }, 'statement cancelled by statement_timeout');
}

/** @example responseMeta: ({ errors }) => retryAfterFor(errors, config) */
export function retryAfterFor(errors: TRPCError[], config: Pick<Config, 'RETRY_AFTER_SECONDS'>) {
  const isUnavailable = errors.some((error) => describeError(error).httpStatus === 503);
  return isUnavailable ? { headers: { 'retry-after': String(config.RETRY_AFTER_SECONDS) } } : {};
}
