/**
 * Personal access tokens (`cdt_…`) for scripts and CLIs: stored as SHA-256 only, with scopes,
 * an optional expiry and the time of last use. Revoking deletes the row (the audit log keeps
 * the history).
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time, untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('personal_access_tokens')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('scopes', sql`text[]`, (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('personal_access_tokens_hash_is_sha256_hex', sql`token_hash ~ '^[0-9a-f]{64}$'`)
    .addCheckConstraint('personal_access_tokens_name_length', sql`char_length(name) BETWEEN 1 AND 100`)
    .addCheckConstraint(
      'personal_access_tokens_scopes_known',
      sql`cardinality(scopes) >= 1 AND scopes <@ ARRAY['read', 'write']::text[]`,
    )
    .execute();
  await db.schema.createIndex('personal_access_tokens_by_user').on('personal_access_tokens').column('user_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('personal_access_tokens').execute();
}
