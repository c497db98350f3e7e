/**
 * The number of live articles, kept by triggers, so the REST list's `articlesCount` for the
 * unfiltered list is a read of eight rows instead of an index scan over every live article
 * (1.5 ms at 10,000 articles, ten times that at 100,000; see docs/performance.md).
 *
 * - Exact and transactional: every INSERT, DELETE, TRUNCATE and soft delete (or restore) of an
 *   article adjusts the count in the same transaction, so a reader sees the count of exactly
 *   the articles it can see.
 * - Eight slots, summed on read: each change adds to a random slot, so concurrent writers rarely
 *   wait on the same row lock (one counter row would serialise every article create).
 * - Bulk statements (the seeder, cascades from a deleted user) adjust once per statement, via
 *   transition tables; a soft delete is a row trigger that only fires when `deleted_at` changes
 *   between NULL and not NULL (so favoriting, which updates `favorites_count`, costs nothing).
 */
import { sql, type Kysely } from 'kysely';

const slots = 8;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time, untyped
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE live_article_count_slots (
      slot smallint PRIMARY KEY CHECK (slot >= 0 AND slot < ${sql.lit(slots)}),
      live_articles integer NOT NULL
    )
    -- Every article write updates a slot: with the page 90 % empty, each read prunes the dead
    -- row versions at once, so the table stays one page however many articles are written.
    WITH (fillfactor = 10)`.execute(db);
  await sql`
    INSERT INTO live_article_count_slots (slot, live_articles)
    SELECT slot, CASE WHEN slot = 0 THEN (SELECT count(*) FROM articles WHERE deleted_at IS NULL) ELSE 0 END
    FROM generate_series(0, ${sql.lit(slots - 1)}) AS slot`.execute(db);

  await sql`
    CREATE FUNCTION live_article_count_add(delta bigint) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      -- Drawn once: random() in the WHERE clause would be drawn again for every row.
      chosen smallint := floor(random() * ${sql.lit(slots)});
    BEGIN
      IF delta <> 0 THEN
        UPDATE live_article_count_slots SET live_articles = live_articles + delta WHERE slot = chosen;
      END IF;
    END;
    $$`.execute(db);
  await sql`
    CREATE FUNCTION articles_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM live_article_count_add((SELECT count(*) FROM inserted_articles WHERE deleted_at IS NULL));
      RETURN NULL;
    END;
    $$`.execute(db);
  await sql`
    CREATE FUNCTION articles_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM live_article_count_add(-(SELECT count(*) FROM deleted_articles WHERE deleted_at IS NULL));
      RETURN NULL;
    END;
    $$`.execute(db);
  await sql`
    CREATE FUNCTION articles_count_soft_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM live_article_count_add(CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END);
      RETURN NULL;
    END;
    $$`.execute(db);
  await sql`
    CREATE FUNCTION articles_count_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE live_article_count_slots SET live_articles = 0;
      RETURN NULL;
    END;
    $$`.execute(db);

  await sql`
    CREATE TRIGGER articles_count_inserted AFTER INSERT ON articles
    REFERENCING NEW TABLE AS inserted_articles
    FOR EACH STATEMENT EXECUTE FUNCTION articles_count_inserted()`.execute(db);
  await sql`
    CREATE TRIGGER articles_count_deleted AFTER DELETE ON articles
    REFERENCING OLD TABLE AS deleted_articles
    FOR EACH STATEMENT EXECUTE FUNCTION articles_count_deleted()`.execute(db);
  await sql`
    CREATE TRIGGER articles_count_soft_deleted AFTER UPDATE OF deleted_at ON articles
    FOR EACH ROW WHEN ((OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
    EXECUTE FUNCTION articles_count_soft_deleted()`.execute(db);
  await sql`
    CREATE TRIGGER articles_count_truncated AFTER TRUNCATE ON articles
    FOR EACH STATEMENT EXECUTE FUNCTION articles_count_truncated()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER articles_count_truncated ON articles`.execute(db);
  await sql`DROP TRIGGER articles_count_soft_deleted ON articles`.execute(db);
  await sql`DROP TRIGGER articles_count_deleted ON articles`.execute(db);
  await sql`DROP TRIGGER articles_count_inserted ON articles`.execute(db);
  await sql`DROP FUNCTION articles_count_truncated()`.execute(db);
  await sql`DROP FUNCTION articles_count_soft_deleted()`.execute(db);
  await sql`DROP FUNCTION articles_count_deleted()`.execute(db);
  await sql`DROP FUNCTION articles_count_inserted()`.execute(db);
  await sql`DROP FUNCTION live_article_count_add(bigint)`.execute(db);
  await sql`DROP TABLE live_article_count_slots`.execute(db);
}
