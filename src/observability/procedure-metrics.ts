/**
 * Times every tRPC procedure call (each call of a batch separately) by procedure, type and the
 * HTTP status its result maps to. Installed once, on the base of every procedure builder.
 */
import { describeError } from '../trpc/error-contract.ts';
import { t } from '../trpc/init.ts';

/** @example export const publicProcedure = t.procedure.use(observeProcedure).use(...); */
export const observeProcedure = t.middleware(async ({ ctx, path, type, next }) => {
  const startedAt = performance.now();
  const result = await next();
  // `next()` reports failure as a value, it does not throw (STYLE.md habit 4).
  const statusCode = result.ok ? 200 : describeError(result.error).httpStatus;
  ctx.metrics.procedureDuration.observe(
    { procedure: path, type, status_code: String(statusCode) },
    (performance.now() - startedAt) / 1000,
  );
  return result;
});
