/**
 * Slugs: derived from the title with @sindresorhus/slugify (transliterated to ASCII when the
 * script allows, the original letters otherwise), and reserved in `article_slugs`, whose primary
 * key keeps every slug an article ever had from going to another article while it exists.
 */
import { randomBytes } from 'node:crypto';

import slugify from '@sindresorhus/slugify';
import type { Transaction } from 'kysely';

import type { DB } from '../../db/schema.ts';
import { AppError } from '../../lib/errors.ts';

const maxBaseLength = 100;
const maxAttempts = 6;

/**
 * @example slugForTitle('Déjà Vu!') // 'deja-vu'; slugForTitle('日本語のタイトル') // '日本語のタイトル'
 */
export function slugForTitle(title: string): string {
  const slug = slugify(title) || slugify(title, { transliterate: false }) || 'article';
  return slug.length <= maxBaseLength ? slug : slug.slice(0, maxBaseLength).replace(/-[^-]*$/, '') || slug.slice(0, maxBaseLength);
}

/**
 * Reserves a free slug for `articleId` inside `trx`: the title's slug, or it with a random
 * suffix when taken. A concurrent reservation of the same slug waits for the other transaction
 * and then takes the next candidate, so two articles never share one.
 *
 * @example const slug = await reserveSlug(trx, articleId, 'How to train your dragon');
 */
export async function reserveSlug(trx: Transaction<DB>, articleId: string, title: string): Promise<string> {
  const base = slugForTitle(title);
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const candidate = attempt === 0 ? base : `${base}-${randomBytes(4).toString('hex').slice(0, 6)}`;
    const reserved = await trx
      .insertInto('articleSlugs')
      .values({ slug: candidate, articleId })
      .onConflict((oc) => oc.column('slug').doNothing())
      .returning('slug')
      .executeTakeFirst();
    if (reserved) return reserved.slug;
    // The article may already own this slug from an earlier title: reuse it.
    const own = await trx.selectFrom('articleSlugs').select('slug').where('slug', '=', candidate).where('articleId', '=', articleId).executeTakeFirst();
    if (own) return own.slug;
  }
  throw new AppError('SLUG_UNAVAILABLE', 'Could not find a free slug for this title; try another title');
}
