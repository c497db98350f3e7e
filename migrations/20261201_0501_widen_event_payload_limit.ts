/**
 * A comment may be 10,000 characters and its `comment.added` event carries it, so an 8 KiB payload
 * cap turned long comments into a 500 (found by the nightly fuzz). Payloads are never NOTIFY'd
 * (only ids are), so the cap only bounds row size: 256 KiB leaves room for every domain event.
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time, untyped
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE events DROP CONSTRAINT events_payload_size_check`.execute(db);
  await sql`ALTER TABLE events ADD CONSTRAINT events_payload_size_check CHECK (pg_column_size(payload) <= 262144)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up
export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE events DROP CONSTRAINT events_payload_size_check`.execute(db);
  await sql`ALTER TABLE events ADD CONSTRAINT events_payload_size_check CHECK (pg_column_size(payload) <= 8192) NOT VALID`.execute(db);
}
