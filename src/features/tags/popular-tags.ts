/**
 * The most used tags of live articles. Counting scans every live article's tags, so the answer
 * is cached per database for POPULAR_TAGS_CACHE_MS: a new article's tags appear within that
 * time (0 disables the cache). The cache hangs off the database handle (a WeakMap), so each app
 * and each test server has its own and it is collected with it.
 */
import { sql } from 'kysely';

import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';

/** The largest `limit` a caller may ask for; the cache holds this many. */
export const popularTagsMax = 100;

interface CachedTags {
  names: string[];
  expiresAt: number;
  pending?: Promise<string[]> | undefined;
}

const cacheByDatabase = new WeakMap<Database, CachedTags>();

async function countPopularTags(db: Database): Promise<string[]> {
  const rows = await db
    .selectFrom('articleTags')
    .innerJoin('articles', 'articles.id', 'articleTags.articleId')
    .innerJoin('tags', 'tags.id', 'articleTags.tagId')
    .where('articles.deletedAt', 'is', null)
    .groupBy('tags.name')
    .select('tags.name')
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('tags.name', 'asc')
    .limit(popularTagsMax)
    .execute();
  return rows.map((row) => row.name);
}

/**
 * @example const tags = await popularTags({ db, config }, { limit: 20 }); // ['dragons', 'training', …]
 */
export async function popularTags(deps: { db: Database; config: Pick<Config, 'POPULAR_TAGS_CACHE_MS'> }, input: { limit: number }): Promise<string[]> {
  const now = Date.now();
  const cached = cacheByDatabase.get(deps.db);
  if (cached && cached.expiresAt > now) return cached.names.slice(0, input.limit);
  // Concurrent misses share one count instead of stampeding the database.
  if (cached?.pending) return (await cached.pending).slice(0, input.limit);
  const pending = countPopularTags(deps.db);
  cacheByDatabase.set(deps.db, { names: cached?.names ?? [], expiresAt: cached?.expiresAt ?? 0, pending });
  try {
    const names = await pending;
    cacheByDatabase.set(deps.db, { names, expiresAt: Date.now() + deps.config.POPULAR_TAGS_CACHE_MS });
    return names.slice(0, input.limit);
  } catch (error) {
    cacheByDatabase.delete(deps.db);
    throw error;
  }
}
