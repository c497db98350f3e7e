/**
 * Facts about the database that no sequence of API calls may break. The fuzz suite checks them
 * after every run; each query returns the offending rows, so a failure names what went wrong.
 */
import { sql } from 'kysely';

import type { Database } from '../../../src/db/database.ts';

const invariants: Record<string, string> = {
  'favorites_count equals the favorite rows of each article': `
    SELECT a.id, a.favorites_count, count(f.user_id) AS rows
    FROM articles a LEFT JOIN favorites f ON f.article_id = a.id
    GROUP BY a.id HAVING a.favorites_count <> count(f.user_id)`,
  'every article has an existing author': `
    SELECT a.id FROM articles a LEFT JOIN users u ON u.id = a.author_id WHERE u.id IS NULL`,
  'every comment belongs to an existing article and author': `
    SELECT c.id FROM comments c
    LEFT JOIN articles a ON a.id = c.article_id LEFT JOIN users u ON u.id = c.author_id
    WHERE a.id IS NULL OR u.id IS NULL`,
  'every favorite and follow points at existing rows': `
    SELECT 'favorite' AS kind, f.article_id::text AS id FROM favorites f
      LEFT JOIN articles a ON a.id = f.article_id LEFT JOIN users u ON u.id = f.user_id
      WHERE a.id IS NULL OR u.id IS NULL
    UNION ALL
    SELECT 'follow', fo.follower_id::text FROM follows fo
      LEFT JOIN users a ON a.id = fo.follower_id LEFT JOIN users b ON b.id = fo.followee_id
      WHERE a.id IS NULL OR b.id IS NULL OR fo.follower_id = fo.followee_id`,
  'every article is reachable by its current slug': `
    SELECT a.id FROM articles a LEFT JOIN article_slugs s ON s.slug = a.slug AND s.article_id = a.id WHERE s.slug IS NULL`,
  'no article has more than 10 tags, and tags are normalised': `
    SELECT at.article_id::text AS id FROM article_tags at GROUP BY at.article_id HAVING count(*) > 10
    UNION ALL
    SELECT t.name FROM tags t WHERE t.name <> lower(btrim(t.name)) OR t.name = ''`,
  'roles are known and a suspended account holds no session or live token': `
    SELECT u.id::text FROM users u WHERE u.role NOT IN ('user', 'moderator', 'admin')
    UNION ALL
    SELECT s.user_id::text FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.suspended_at IS NOT NULL
    UNION ALL
    SELECT s.user_id::text FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE u.id IS NULL`,
  'usernames and emails are unique case-insensitively': `
    SELECT lower(username) FROM users GROUP BY lower(username) HAVING count(*) > 1
    UNION ALL
    SELECT lower(email) FROM users GROUP BY lower(email) HAVING count(*) > 1`,
};

/**
 * Runs every invariant and returns the broken ones with up to five offending rows each.
 *
 * @example expect(await brokenInvariants(server.db)).toEqual([]);
 */
export async function brokenInvariants(db: Database): Promise<Array<{ invariant: string; rows: unknown[] }>> {
  const broken: Array<{ invariant: string; rows: unknown[] }> = [];
  for (const [invariant, query] of Object.entries(invariants)) {
    const { rows } = await sql.raw<Record<string, unknown>>(`${query} LIMIT 5`).execute(db);
    if (rows.length > 0) broken.push({ invariant, rows });
  }
  return broken;
}

/** The number of audit rows: it may only grow (the log is append-only). */
export async function auditRowCount(db: Database): Promise<number> {
  const { count } = await db.selectFrom('auditLog').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  return Number(count);
}
