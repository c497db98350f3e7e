/**
 * Plain HTTP probes for orchestrators: `/healthz` (the process is alive) and `/readyz` (it can
 * serve: the database answers and every migration is applied).
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';

import type { Database } from '../../db/database.ts';
import { listPendingMigrations } from '../../db/migrator.ts';

export type ReadinessCheck = { ok: true } | { ok: false; error: string };

/** Runs each readiness check; the caller turns any failure into a 503. */
export async function checkReadiness(db: Database): Promise<Record<'database' | 'migrations', ReadinessCheck>> {
  try {
    await sql`SELECT 1`.execute(db);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      database: { ok: false, error: `database unreachable: ${message}` },
      migrations: { ok: false, error: 'not checked: database unreachable' },
    };
  }
  const pending = await listPendingMigrations(db);
  return {
    database: { ok: true },
    migrations: pending.length === 0 ? { ok: true } : { ok: false, error: `pending: ${pending.join(', ')}` },
  };
}

export function registerHealthRoutes(app: FastifyInstance, db: Database): void {
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const checks = await checkReadiness(db);
    const isReady = Object.values(checks).every((check) => check.ok);
    return reply.status(isReady ? 200 : 503).send({ status: isReady ? 'ready' : 'unavailable', checks });
  });
}
