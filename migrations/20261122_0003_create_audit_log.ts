/**
 * The append-only audit log. A trigger refuses UPDATE and DELETE so that no code path (or a
 * mistaken migration) can rewrite history; rows outlive the users they mention (no FK cascade).
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time, untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('actor_id', 'uuid')
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('request_id', 'text')
    .addColumn('metadata', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('audit_log_action_format', sql`action ~ '^[a-z][a-z0-9_.]{1,63}$'`)
    .addCheckConstraint('audit_log_user_agent_length', sql`char_length(user_agent) <= 512`)
    .execute();
  await db.schema.createIndex('audit_log_by_time').on('audit_log').columns(['created_at desc', 'id desc']).execute();
  await db.schema
    .createIndex('audit_log_by_actor_time')
    .on('audit_log')
    .columns(['actor_id', 'created_at desc', 'id desc'])
    .execute();
  await db.schema
    .createIndex('audit_log_by_action_time')
    .on('audit_log')
    .columns(['action', 'created_at desc', 'id desc'])
    .execute();
  await sql`
    CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
    END;
    $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await sql`DROP FUNCTION audit_log_is_append_only()`.execute(db);
}
