/**
 * The prune_expired_rows task, scheduled hourly (job-runner.ts): deletes rows nothing will read
 * again — expired sessions, password reset tokens, login challenges, email verification codes,
 * and idempotency keys past IDEMPOTENCY_KEY_TTL_HOURS (ADR 0071) — in bounded batches, so one
 * run never holds long locks or grows one huge transaction.
 */
import type { Task } from 'graphile-worker';
import { sql, type RawBuilder } from 'kysely';

import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';

export const pruneExpiredRowsTaskName = 'prune_expired_rows';

/** graphile-worker crontab: minute 17 of every hour (off the hour, when other crons pile up). */
export const pruneExpiredRowsSchedule = '17 * * * *';

type PrunedTable = 'sessions' | 'password_reset_tokens' | 'login_challenges' | 'email_verification_codes' | 'idempotency_keys';

/** When a row of each table is past use. Expired rows are refused on read already; this only reclaims space. */
function expiryConditions(config: Pick<Config, 'IDEMPOTENCY_KEY_TTL_HOURS'>): Record<PrunedTable, RawBuilder<unknown>> {
  return {
    sessions: sql`expires_at <= now()`,
    password_reset_tokens: sql`expires_at <= now()`,
    login_challenges: sql`expires_at <= now()`,
    email_verification_codes: sql`expires_at <= now()`,
    // Replaced on reuse once expired (idempotency.ts); up to ~100 KB each, so worth reclaiming.
    idempotency_keys: sql`created_at < now() - make_interval(hours => ${config.IDEMPOTENCY_KEY_TTL_HOURS})`,
  };
}

export interface PruneLimits {
  /** Rows per DELETE statement (each statement commits on its own). */
  batchSize: number;
  /** Statements per table per run; what is left waits for the next run. */
  maxBatches: number;
}

/**
 * Deletes expired rows table by table, `batchSize` at a time; rows another transaction holds are
 * skipped (SKIP LOCKED), not waited for. Returns how many rows each table lost.
 *
 * @example const deleted = await pruneExpiredRows(db, config); // { sessions: 12, … }
 */
export async function pruneExpiredRows(
  db: Database,
  config: Pick<Config, 'IDEMPOTENCY_KEY_TTL_HOURS'>,
  limits: PruneLimits = { batchSize: 1_000, maxBatches: 100 },
): Promise<Record<PrunedTable, number>> {
  const conditions = expiryConditions(config);
  const deleted = { sessions: 0, password_reset_tokens: 0, login_challenges: 0, email_verification_codes: 0, idempotency_keys: 0 };
  for (const table of Object.keys(conditions) as PrunedTable[]) {
    for (let batch = 0; batch < limits.maxBatches; batch++) {
      // ctid addresses the row whatever the table's key (idempotency_keys has a composite one).
      const result = await sql`
        DELETE FROM ${sql.table(table)} WHERE ctid = ANY(ARRAY(
          SELECT ctid FROM ${sql.table(table)} WHERE ${conditions[table]} LIMIT ${limits.batchSize} FOR UPDATE SKIP LOCKED
        ))`.execute(db);
      const count = Number(result.numAffectedRows ?? 0n);
      deleted[table] += count;
      if (count < limits.batchSize) break;
    }
  }
  return deleted;
}

/** @example run({ taskList: { [pruneExpiredRowsTaskName]: createPruneExpiredRowsTask({ db, config }) } }) */
export function createPruneExpiredRowsTask({ db, config }: { db: Database; config: Pick<Config, 'IDEMPOTENCY_KEY_TTL_HOURS'> }): Task {
  return async (_payload, helpers) => {
    const deleted = await pruneExpiredRows(db, config);
    helpers.logger.info(`pruned expired rows: ${JSON.stringify(deleted)}`);
  };
}
