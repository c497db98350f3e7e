/**
 * Users, plus the `set_updated_at()` trigger function every later table with `updated_at` uses.
 * Case-insensitive uniqueness lives in expression indexes on lower(...).
 */
import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on the app's current `DB` type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.updated_at := now();
      RETURN NEW;
    END;
    $$`.execute(db);

  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('username', 'text', (col) => col.notNull())
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('bio', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('image', 'text')
    .addColumn('role', 'text', (col) => col.notNull().defaultTo('user'))
    .addColumn('email_verified_at', 'timestamptz')
    .addColumn('suspended_at', 'timestamptz')
    .addColumn('suspension_reason', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('users_role_check', sql`role IN ('user', 'moderator', 'admin')`)
    .addCheckConstraint('users_username_format_check', sql`username ~ '^[A-Za-z0-9_-]{3,32}$'`)
    .addCheckConstraint('users_email_length_check', sql`char_length(email) BETWEEN 3 AND 254`)
    .addCheckConstraint('users_bio_length_check', sql`char_length(bio) <= 2000`)
    .addCheckConstraint(
      'users_suspension_reason_check',
      sql`(suspended_at IS NULL) = (suspension_reason IS NULL)`,
    )
    .execute();

  await db.schema
    .createIndex('users_email_lower_unique')
    .on('users')
    .unique()
    .expression(sql`lower(email)`)
    .execute();
  await db.schema
    .createIndex('users_username_lower_unique')
    .on('users')
    .unique()
    .expression(sql`lower(username)`)
    .execute();
  await sql`
    CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('users').execute();
  await sql`DROP FUNCTION set_updated_at()`.execute(db);
}
