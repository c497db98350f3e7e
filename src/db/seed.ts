/**
 * Deterministic demo data, written set-based (INSERT … SELECT over generate_series), so
 * `npm run db:seed -- --articles 100000` takes seconds, not one request per row. Every id, name,
 * text and timestamp derives from the row number; only the password hash's salt differs per run.
 *
 *   npm run db:seed                          # 40 users, 500 articles, tags, comments, follows, favorites
 *   npm run db:seed -- --articles 100000     # users scale with articles (one per 50, at least 40)
 *   npm run db:seed -- --reset               # wipe users, content and tags first
 *
 * Ids are md5 digests of the row number shaped as version-4 UUIDs. Every demo account signs in with the password `demoPassword` below; `demo_admin` is an admin
 * and `demo_moderator` a moderator.
 */
import { sql } from 'kysely';

import { loadConfigOrExit } from '../config.ts';
import { hashPassword } from '../features/auth/passwords.ts';
import { createLogger } from '../lib/logger.ts';
import { createDatabase, type Database } from './database.ts';
import { migrateToLatest, openSchemaAgnosticDb } from './migrator.ts';
import { locateDatabase } from './open-database.ts';

export const demoPassword = 'conduit-demo-password';

export interface SeedOptions {
  articles: number;
  users?: number;
}

export interface SeedSummary {
  users: number;
  articles: number;
  comments: number;
  follows: number;
  favorites: number;
  tags: number;
}

const firstNames = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'yara'];
const tagNames = ['javascript', 'typescript', 'postgres', 'dragons', 'training', 'react', 'node', 'testing', 'performance', 'security', 'design', 'career', 'devops', 'rust', 'go', 'databases', 'api', 'web', 'tutorial', 'opinion'];
const adjectives = ['Practical', 'Gentle', 'Deep', 'Honest', 'Quick', 'Surprising', 'Modern', 'Forgotten', 'Pragmatic', 'Careful', 'Bold', 'Quiet'];
const nouns = ['Guide', 'Notes', 'Lessons', 'Introduction', 'Tour', 'Field Report', 'Checklist', 'Story', 'Rethink', 'Primer'];
const topics = ['Keyset Pagination', 'Training Dragons', 'Type Safety', 'Soft Deletes', 'Connection Pools', 'Load Testing', 'Code Review', 'Indexes', 'Error Handling', 'Caching', 'Event Sourcing', 'Remote Work', 'Tiny Services', 'Migrations'];
const sentences = [
  'It started as a small experiment and grew into something we rely on every day.',
  'The first version was slow, so we measured before changing anything.',
  'Most of the complexity disappeared once the data model was right.',
  'We wrote the tests first and let them tell us when we were done.',
  'There is no silver bullet, only trade-offs written down clearly.',
  'Readers asked for examples, so here are three that we use in production.',
  'The surprising part was how little code the final solution needed.',
  'Next time we will start with the index and work backwards to the query.',
];

/** Number of users for a given article count: one per 50 articles, at least 40. */
function usersFor(options: SeedOptions): number {
  return options.users ?? Math.max(40, Math.ceil(options.articles / 50));
}

/**
 * Fills an empty database with demo data and runs VACUUM (ANALYZE) so plans reflect it.
 *
 * @example await seedDemoData(db, { articles: 500 }); // { users: 40, articles: 500, … }
 */
export async function seedDemoData(db: Database, options: SeedOptions): Promise<SeedSummary> {
  const userCount = usersFor(options);
  const articleCount = options.articles;
  const passwordHash = await hashPassword(demoPassword);
  const base = sql`timestamptz '2026-11-30 12:00:00+00'`;
  // A deterministic, well-spread non-negative integer per (row, salt).
  const pick = (row: ReturnType<typeof sql.ref>, salt: string) => sql`abs(hashtext(${row}::text || ${salt})::bigint)`;

  await db.transaction().execute(async (trx) => {
    // Foreign-key checks are per-row triggers and dominate bulk inserts. Every generated row
    // references rows inserted just before in this transaction, so a superuser (the embedded and
    // test servers) skips them; others keep the checks and are merely slower.
    const { rows } = await sql<{ isSuperuser: boolean }>`SELECT rolsuper AS is_superuser FROM pg_roles WHERE rolname = current_user`.execute(trx);
    if (rows[0]?.isSuperuser) await sql`SET LOCAL session_replication_role = replica`.execute(trx);
    // Bulk statements may outlast the request-sized DB_STATEMENT_TIMEOUT_MS.
    await sql`SET LOCAL statement_timeout = 0`.execute(trx);
    await sql`
      INSERT INTO users (id, email, username, password_hash, bio, role, email_verified_at, created_at)
      SELECT overlay(overlay(md5('user' || i) placing '4' from 13) placing '8' from 17)::uuid,
             CASE i WHEN 1 THEN 'demo_admin' WHEN 2 THEN 'demo_moderator' ELSE (${sql.val(firstNames)}::text[])[1 + (i % ${firstNames.length})] || '_' || i END || '@conduit.example',
             CASE i WHEN 1 THEN 'demo_admin' WHEN 2 THEN 'demo_moderator' ELSE (${sql.val(firstNames)}::text[])[1 + (i % ${firstNames.length})] || '_' || i END,
             ${passwordHash},
             'Writes about ' || lower((${sql.val(topics)}::text[])[1 + (i % ${topics.length})]) || '.',
             CASE i WHEN 1 THEN 'admin' WHEN 2 THEN 'moderator' ELSE 'user' END,
             ${base} - interval '400 days',
             ${base} - interval '400 days' + i * interval '1 minute'
      FROM generate_series(1, ${userCount}) AS i`.execute(trx);

    await sql`
      INSERT INTO articles (id, author_id, slug, title, description, body, created_at, updated_at)
      SELECT id, author_id, lower(regexp_replace(title, '[^A-Za-z0-9]+', '-', 'g')) || '-' || i, title, description, body, created_at, created_at
      FROM (
        SELECT i,
               overlay(overlay(md5('article' || i) placing '4' from 13) placing '8' from 17)::uuid AS id,
               overlay(overlay(md5('user' || (1 + ${pick(sql.ref('i'), 'author')} % ${userCount})) placing '4' from 13) placing '8' from 17)::uuid AS author_id,
               (${sql.val(adjectives)}::text[])[1 + ${pick(sql.ref('i'), 'adj')} % ${adjectives.length}] || ' '
                 || (${sql.val(nouns)}::text[])[1 + ${pick(sql.ref('i'), 'noun')} % ${nouns.length}] || ' to '
                 || (${sql.val(topics)}::text[])[1 + ${pick(sql.ref('i'), 'topic')} % ${topics.length}] AS title,
               (${sql.val(sentences)}::text[])[1 + ${pick(sql.ref('i'), 'desc')} % ${sentences.length}] AS description,
               (SELECT string_agg((${sql.val(sentences)}::text[])[1 + ${pick(sql.ref('i'), 'body')} * (k + 1) % ${sentences.length}], ' ')
                  FROM generate_series(0, 5) AS k) AS body,
               ${base} - (${articleCount} - i) * interval '3 minutes' AS created_at
        FROM generate_series(1, ${articleCount}) AS i
      ) AS generated`.execute(trx);
    await sql`INSERT INTO article_slugs (slug, article_id, created_at) SELECT slug, id, created_at FROM articles`.execute(trx);

    await sql`INSERT INTO tags (name) SELECT unnest(${sql.val(tagNames)}::text[]) ON CONFLICT (name) DO NOTHING`.execute(trx);
    await sql`
      INSERT INTO article_tags (article_id, tag_id, position)
      SELECT overlay(overlay(md5('article' || i) placing '4' from 13) placing '8' from 17)::uuid, tags.id, k
      FROM generate_series(1, ${articleCount}) AS i
      CROSS JOIN LATERAL generate_series(0, ${pick(sql.ref('i'), 'tags')} % 3) AS k
      JOIN tags ON tags.name = (${sql.val(tagNames)}::text[])[1 + (${pick(sql.ref('i'), 'tag')} + k * 7) % ${tagNames.length}]`.execute(trx);

    await sql`
      INSERT INTO follows (follower_id, followee_id, created_at)
      SELECT overlay(overlay(md5('user' || i) placing '4' from 13) placing '8' from 17)::uuid, overlay(overlay(md5('user' || followee) placing '4' from 13) placing '8' from 17)::uuid, ${base} - interval '300 days'
      FROM generate_series(1, ${userCount}) AS i
      CROSS JOIN LATERAL (SELECT 1 + (i + k * k * 3 + k) % ${userCount} AS followee FROM generate_series(1, 10) AS k) AS f
      WHERE followee <> i
      ON CONFLICT DO NOTHING`.execute(trx);

    // The count trigger would update each article once per row; set the counts in one pass instead.
    await sql`ALTER TABLE favorites DISABLE TRIGGER favorites_maintain_count`.execute(trx);
    await sql`
      INSERT INTO favorites (user_id, article_id, created_at)
      SELECT overlay(overlay(md5('user' || (1 + ${pick(sql.ref('k'), 'fav')} * 31 % ${userCount} + i % ${userCount}) % ${userCount} + 1) placing '4' from 13) placing '8' from 17)::uuid,
             overlay(overlay(md5('article' || i) placing '4' from 13) placing '8' from 17)::uuid, ${base}
      FROM generate_series(1, ${articleCount}) AS i
      CROSS JOIN LATERAL generate_series(1, ${pick(sql.ref('i'), 'favs')} % 6) AS k
      ON CONFLICT DO NOTHING`.execute(trx);
    await sql`ALTER TABLE favorites ENABLE TRIGGER favorites_maintain_count`.execute(trx);
    await sql`
      UPDATE articles SET favorites_count = counted.n
      FROM (SELECT article_id, count(*)::int AS n FROM favorites GROUP BY article_id) AS counted
      WHERE articles.id = counted.article_id`.execute(trx);
    // Triggers are off for a superuser (above): the live-article total is set here, once.
    await sql`
      UPDATE live_article_count_slots
      SET live_articles = CASE WHEN slot = 0 THEN (SELECT count(*) FROM articles WHERE deleted_at IS NULL) ELSE 0 END`.execute(trx);

    await sql`
      INSERT INTO comments (article_id, author_id, body, created_at, updated_at)
      SELECT overlay(overlay(md5('article' || i) placing '4' from 13) placing '8' from 17)::uuid,
             overlay(overlay(md5('user' || (1 + ${pick(sql.ref('i'), 'commenter')} * (k + 3) % ${userCount})) placing '4' from 13) placing '8' from 17)::uuid,
             (${sql.val(sentences)}::text[])[1 + (i + k) % ${sentences.length}],
             ${base} - (${articleCount} - i) * interval '3 minutes' + k * interval '1 hour',
             ${base} - (${articleCount} - i) * interval '3 minutes' + k * interval '1 hour'
      FROM generate_series(1, ${articleCount}) AS i
      CROSS JOIN LATERAL generate_series(1, ${pick(sql.ref('i'), 'comments')} % 4) AS k`.execute(trx);
  });
  // Fresh statistics and visibility maps, so plans (and index-only counts) fit the new data at
  // once. VACUUM cannot run in a transaction; its own connection lifts the request-sized timeout.
  await db.connection().execute(async (connection) => {
    await sql`SET statement_timeout = 0`.execute(connection);
    await sql`VACUUM (ANALYZE) users, articles, article_slugs, tags, article_tags, follows, favorites, comments`.execute(connection);
    await sql`RESET statement_timeout`.execute(connection);
  });

  const count = async (table: 'users' | 'articles' | 'comments' | 'follows' | 'favorites' | 'tags') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  return {
    users: await count('users'),
    articles: await count('articles'),
    comments: await count('comments'),
    follows: await count('follows'),
    favorites: await count('favorites'),
    tags: await count('tags'),
  };
}

/** True when no account exists yet: the only state in which demo data is added automatically. */
export async function isDatabaseEmpty(db: Database): Promise<boolean> {
  return (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) === undefined;
}

/** Removes users (and with them sessions, follows, articles, comments, favorites) and tags. The audit log stays. */
export async function wipeDemoData(db: Database): Promise<void> {
  await sql`TRUNCATE users, tags RESTART IDENTITY CASCADE`.execute(db);
}

function parseArguments(argv: readonly string[]): { articles: number; reset: boolean } {
  let articles = 500;
  let reset = false;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--reset') reset = true;
    else if (argument === '--articles') articles = Number(argv[++index]);
    else if (argument?.startsWith('--articles=')) articles = Number(argument.slice('--articles='.length));
    else throw new Error(`Unknown argument "${argument ?? ''}": use --articles N and --reset`);
  }
  if (!Number.isInteger(articles) || articles < 0 || articles > 5_000_000) throw new Error('--articles must be an integer from 0 to 5,000,000');
  return { articles, reset };
}

async function main(): Promise<void> {
  const { articles, reset } = parseArguments(process.argv.slice(2));
  const config = loadConfigOrExit();
  const logger = createLogger({ ...config, NODE_ENV: 'production' });
  const location = await locateDatabase(config, logger);
  try {
    const migrator = openSchemaAgnosticDb(location.connectionString);
    await migrateToLatest(migrator);
    await migrator.destroy();
    const { db } = createDatabase({ ...config, DB_STATEMENT_TIMEOUT_MS: 600_000 }, location.connectionString, logger);
    try {
      if (reset) await wipeDemoData(db);
      else if (!(await isDatabaseEmpty(db))) throw new Error('The database already has users: pass --reset to replace them with demo data');
      const startedAt = performance.now();
      const summary = await seedDemoData(db, { articles });
      logger.info({ ...summary, ms: Math.round(performance.now() - startedAt), demoAccountsSignInWith: demoPassword }, 'demo data seeded');
    } finally {
      await db.destroy();
    }
  } finally {
    await location.stop();
  }
}

if (import.meta.main) {
  await main();
}
