/**
 * Follows: one composite-key row per (follower, followee), never a counter. A CHECK forbids
 * following yourself; the reverse index serves "who follows X" and the FK cascade.
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time, untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('follows')
    .addColumn('follower_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('followee_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('follows_pkey', ['follower_id', 'followee_id'])
    .addCheckConstraint('follows_not_self_check', sql`follower_id <> followee_id`)
    .execute();
  await db.schema.createIndex('follows_by_followee').on('follows').columns(['followee_id', 'follower_id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('follows').execute();
}
