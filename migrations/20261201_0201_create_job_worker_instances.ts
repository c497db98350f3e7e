/**
 * Which job-worker processes exist and which graphile-worker worker ids each one runs. A live
 * process holds an advisory lock named after its row; a row whose lock is free belongs to a
 * crashed process, and its workers' jobs are unlocked at once instead of after graphile-worker's
 * four-hour lock expiry (see docs/decisions/0020-job-queue-graphile-worker.md).
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time, untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('job_worker_instances')
    .addColumn('instance_id', 'text', (col) => col.primaryKey())
    .addColumn('worker_ids', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('hostname', 'text', (col) => col.notNull())
    .addColumn('pid', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('job_worker_instances_instance_id_length', sql`char_length(instance_id) between 1 and 100`)
    .execute();
  await sql`
    CREATE TRIGGER job_worker_instances_set_updated_at BEFORE UPDATE ON job_worker_instances
    FOR EACH ROW EXECUTE FUNCTION set_updated_at()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('job_worker_instances').execute();
}
