/**
 * The event log behind real-time subscriptions: one row per domain event, written in the same
 * transaction as the change it describes (so a rolled-back change never has an event). Instances
 * announce only the row id (PostgreSQL NOTIFY or Redis); subscribers read the row and replay
 * from it on reconnect. Rows are short-lived: they are pruned after the replay window.
 * No foreign keys on purpose: an event outlives a soft- or hard-deleted subject for its window.
 */
import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on the app's current `DB` type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('events')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('type', 'text', (col) => col.notNull())
    // Who receives it as a notification (`notifications.onEvent`); null for public events.
    .addColumn('recipient_id', 'uuid')
    // The article an event concerns, for `comments.onAdded` replay by article.
    .addColumn('article_id', 'uuid')
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'events_type_check',
      sql`type IN ('comment.added', 'article.published', 'user.followed', 'article.favorited')`,
    )
    .addCheckConstraint('events_payload_size_check', sql`pg_column_size(payload) <= 8192`)
    .execute();

  await db.schema.createIndex('events_created_at_for_pruning').on('events').column('created_at').execute();
  await db.schema
    .createIndex('events_recipient_for_replay')
    .on('events')
    .columns(['recipient_id', 'id'])
    .where(sql.ref('recipient_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('events_article_for_replay')
    .on('events')
    .columns(['article_id', 'id'])
    .where(sql.ref('article_id'), 'is not', null)
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('events').execute();
}
