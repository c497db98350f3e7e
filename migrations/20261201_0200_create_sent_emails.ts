/**
 * One row per email the mailer has handed to a transport, keyed by the email's idempotency key.
 * The send task checks it before sending and records after, so a retried or duplicated job
 * never mails twice (the graphile_worker schema itself is installed by graphile-worker).
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time, untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sent_emails')
    .addColumn('idempotency_key', 'text', (col) => col.primaryKey())
    .addColumn('message_id', 'text', (col) => col.notNull())
    .addColumn('recipient', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('transport', 'text', (col) => col.notNull())
    .addColumn('sent_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('sent_emails_idempotency_key_length', sql`char_length(idempotency_key) between 1 and 200`)
    .addCheckConstraint('sent_emails_transport_known', sql`transport in ('smtp', 'development')`)
    .execute();
  // Retention jobs and "what did we send lately" queries read by time.
  await db.schema.createIndex('sent_emails_by_sent_at').on('sent_emails').column('sent_at').execute();
  await sql`
    CREATE TRIGGER sent_emails_set_updated_at BEFORE UPDATE ON sent_emails
    FOR EACH ROW EXECUTE FUNCTION set_updated_at()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sent_emails').execute();
}
