/**
 * Plain HTTP probes for orchestrators: `/healthz` (the process is alive) and `/readyz` (it can
 * serve: the database answers and every migration is applied).
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { sql } from 'kysely';

import type { Database } from '../../db/database.ts';
import { listPendingMigrations } from '../../db/migrator.ts';
import { rateLimitRoute } from '../../rate-limit/rate-limit-routes.ts';
import type { RateLimits } from '../../rate-limit/rate-limits.ts';

export type ReadinessCheck = { ok: true } | { ok: false; error: string };

/**
 * Runs each readiness check; the caller turns any failure into a 503. The answer names the
 * failing check only: the driver's message (host, port, database, role, authentication
 * failure) goes to `log`, never to an unauthenticated caller.
 */
export async function checkReadiness(db: Database, log: Pick<FastifyBaseLogger, 'warn'>): Promise<Record<'database' | 'migrations', ReadinessCheck>> {
  try {
    await sql`SELECT 1`.execute(db);
  } catch (error) {
    log.warn({ err: error }, 'readiness: database unreachable');
    return {
      database: { ok: false, error: 'database unreachable' },
      migrations: { ok: false, error: 'not checked: database unreachable' },
    };
  }
  const pending = await listPendingMigrations(db);
  if (pending.length > 0) log.warn({ pending }, 'readiness: migrations pending');
  return {
    database: { ok: true },
    migrations: pending.length === 0 ? { ok: true } : { ok: false, error: 'migrations pending' },
  };
}

/**
 * `/readyz` queries the database, so it is rate-limited (`read` policy) in a bucket of its own
 * per client address: a load balancer probing from its own address every few seconds stays far
 * below the limit whatever the API traffic does, while one address flooding it is refused
 * before any query. `/healthz` does no work and is never limited (nor shed).
 */
export function registerHealthRoutes(app: FastifyInstance, deps: { db: Database; rateLimits: RateLimits }): void {
  app.get('/healthz', () => ({ status: 'ok' }));
  const limitProbes = rateLimitRoute(deps.rateLimits, 'read', (request) => `readyz:${request.ip}`);
  app.get('/readyz', { preHandler: limitProbes }, async (request, reply) => {
    const checks = await checkReadiness(deps.db, request.log);
    const isReady = Object.values(checks).every((check) => check.ok);
    return reply.status(isReady ? 200 : 503).send({ status: isReady ? 'ready' : 'unavailable', checks });
  });
}
