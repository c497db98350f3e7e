/**
 * The same named policies for plain Fastify routes: `/readyz`, `/docs`, `/api/openapi.json`,
 * `/dev/mailbox` (`/healthz` does no work and is never limited). Routes that call procedures
 * already inherit the procedure's limit and must not add this (it would count each request twice).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

import { AppError } from '../lib/errors.ts';
import { rateLimitHeaders, type RateLimitPolicy, type RateLimits } from './rate-limits.ts';

/**
 * A `preHandler` that counts the request against `policy`, per client IP (Fastify's `request.ip`,
 * which honours TRUSTED_PROXIES only), or per `keyOf(request)` when given.
 *
 * @example
 * app.get('/api/export', { preHandler: rateLimitRoute(rateLimits, 'read') }, handler);
 */
export function rateLimitRoute(rateLimits: RateLimits, policy: RateLimitPolicy, keyOf?: (request: FastifyRequest) => string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const decision = await rateLimits.consume(policy, keyOf?.(request) ?? `ip:${request.ip}`);
    if (!decision) return;
    for (const [name, value] of rateLimitHeaders(decision)) void reply.header(name, value);
    if (!decision.isAllowed) {
      // The app's error handler turns this into the RATE_LIMITED contract (status 429).
      throw new AppError('RATE_LIMITED', `Too many requests; retry in ${decision.resetSeconds} s`, {
        details: { policy, retryAfterSeconds: decision.resetSeconds },
      });
    }
  };
}
