/**
 * Idempotency keys: the first successful result of a creating mutation, per (user, key). The
 * row is written in the same transaction as what the mutation creates, so both exist or neither.
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time, untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('procedure', 'text', (col) => col.notNull())
    .addColumn('request_hash', 'text', (col) => col.notNull())
    // superjson-serialised result; null only inside the creating transaction.
    .addColumn('response', 'jsonb')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['user_id', 'key'])
    .addCheckConstraint('idempotency_keys_key_format_check', sql`key ~ '^[A-Za-z0-9._:-]{8,128}$'`)
    .addCheckConstraint('idempotency_keys_request_hash_check', sql`request_hash ~ '^[0-9a-f]{64}$'`)
    .execute();
  await db.schema.createIndex('idempotency_keys_by_created_at_for_expiry').on('idempotency_keys').column('created_at').execute();
  await sql`
    CREATE TRIGGER idempotency_keys_set_updated_at BEFORE UPDATE ON idempotency_keys
    FOR EACH ROW EXECUTE FUNCTION set_updated_at()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
}
