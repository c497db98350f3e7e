/**
 * Articles with soft delete, their slug history, tags and favorites.
 *
 * - `created_at` has millisecond precision (timestamptz(3)) so the keyset cursor, which carries a
 *   JavaScript Date, round-trips exactly.
 * - `article_slugs` holds every slug an article ever had (current included); its primary key
 *   keeps an old slug from being handed to another article while the first one exists.
 * - `favorites_count` is maintained by a row trigger on `favorites` in the same transaction, so
 *   it stays exact under concurrent favorite/unfavorite (the UPDATE serialises on the article row).
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time, untyped
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('articles')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('author_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('slug', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('favorites_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .addCheckConstraint('articles_title_length_check', sql`char_length(title) BETWEEN 1 AND 200`)
    .addCheckConstraint('articles_description_length_check', sql`char_length(description) <= 1000`)
    .addCheckConstraint('articles_body_length_check', sql`char_length(body) <= 100000`)
    .addCheckConstraint('articles_slug_format_check', sql`slug ~ '^[^/\\s]{1,255}$'`)
    .addCheckConstraint('articles_favorites_count_check', sql`favorites_count >= 0`)
    .execute();
  await db.schema.createIndex('articles_slug_unique').on('articles').unique().column('slug').execute();
  // Global list: newest first among live articles (scanned backwards).
  await db.schema
    .createIndex('articles_live_by_time')
    .on('articles')
    .columns(['created_at', 'id'])
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
  // By author and the feed (authors a viewer follows); not partial, so the FK cascade uses it too.
  await db.schema.createIndex('articles_by_author_time').on('articles').columns(['author_id', 'created_at', 'id']).execute();
  await sql`
    CREATE TRIGGER articles_set_updated_at BEFORE UPDATE OF title, description, body ON articles
    FOR EACH ROW EXECUTE FUNCTION set_updated_at()`.execute(db);

  await db.schema
    .createTable('article_slugs')
    .addColumn('slug', 'text', (col) => col.primaryKey())
    .addColumn('article_id', 'uuid', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // Deferred: a new article reserves its slug first, then inserts itself, in one transaction.
    .addForeignKeyConstraint('article_slugs_article_fk', ['article_id'], 'articles', ['id'], (fk) =>
      fk.onDelete('cascade').deferrable().initiallyDeferred(),
    )
    .execute();
  await db.schema.createIndex('article_slugs_by_article').on('article_slugs').column('article_id').execute();

  await db.schema
    .createTable('tags')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('tags_name_normalised_check', sql`name = lower(btrim(name)) AND char_length(name) BETWEEN 1 AND 32`)
    .execute();

  await db.schema
    .createTable('article_tags')
    .addColumn('article_id', 'uuid', (col) => col.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('tag_id', 'integer', (col) => col.notNull().references('tags.id').onDelete('restrict'))
    .addColumn('position', 'smallint', (col) => col.notNull())
    .addPrimaryKeyConstraint('article_tags_pkey', ['article_id', 'tag_id'])
    .addUniqueConstraint('article_tags_position_unique', ['article_id', 'position'])
    .addCheckConstraint('article_tags_position_check', sql`position BETWEEN 0 AND 9`)
    .execute();
  await db.schema.createIndex('article_tags_by_tag').on('article_tags').columns(['tag_id', 'article_id']).execute();

  await db.schema
    .createTable('favorites')
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('article_id', 'uuid', (col) => col.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('favorites_pkey', ['user_id', 'article_id'])
    .execute();
  await db.schema.createIndex('favorites_by_article').on('favorites').columns(['article_id', 'user_id']).execute();

  await sql`
    CREATE FUNCTION favorites_maintain_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE articles SET favorites_count = favorites_count + 1 WHERE id = NEW.article_id;
      ELSE
        UPDATE articles SET favorites_count = favorites_count - 1 WHERE id = OLD.article_id;
      END IF;
      RETURN NULL;
    END;
    $$`.execute(db);
  await sql`
    CREATE TRIGGER favorites_maintain_count AFTER INSERT OR DELETE ON favorites
    FOR EACH ROW EXECUTE FUNCTION favorites_maintain_count()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('favorites').execute();
  await sql`DROP FUNCTION favorites_maintain_count()`.execute(db);
  await db.schema.dropTable('article_tags').execute();
  await db.schema.dropTable('tags').execute();
  await db.schema.dropTable('article_slugs').execute();
  await db.schema.dropTable('articles').execute();
}
