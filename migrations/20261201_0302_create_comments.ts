/** Comments on articles, soft-deleted like articles; listed oldest first per article. */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time, untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('comments')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('article_id', 'uuid', (col) => col.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('author_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .addCheckConstraint('comments_body_length_check', sql`char_length(body) BETWEEN 1 AND 10000`)
    .execute();
  await db.schema
    .createIndex('comments_live_by_article_time')
    .on('comments')
    .columns(['article_id', 'created_at', 'id'])
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
  // The FK cascades need these: comments by article (any state) and by author.
  await db.schema.createIndex('comments_by_article').on('comments').column('article_id').execute();
  await db.schema.createIndex('comments_by_author').on('comments').column('author_id').execute();
  await sql`
    CREATE TRIGGER comments_set_updated_at BEFORE UPDATE OF body ON comments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('comments').execute();
}
