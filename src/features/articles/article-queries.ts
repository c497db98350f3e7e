/**
 * Reading articles. Every list and feed is ONE SQL statement returning the whole page: tags,
 * author profile, `following` and `favorited` come from correlated subqueries over indexes
 * (see docs/decisions/0030-article-reads-one-statement.md), never from a query per row.
 */
import { expressionBuilder, sql, type AliasableExpression, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';

import type { Database } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../lib/errors.ts';
import { createdAtIdKey, decodeCursor, encodeCursor } from '../../lib/keyset-cursor.ts';
import { profileJsonOf, userIdByUsername } from '../profiles/profiles.ts';
import type { Article, ArticlePage, FeedInput, ListArticlesInput } from './articles.schemas.ts';

type ArticlesScope = ExpressionBuilder<DB, 'articles'>;

/** What narrows a list; `followedBy` is the feed. All combine with AND. */
export interface ArticleFilter {
  tag?: string | undefined;
  author?: string | undefined;
  favoritedBy?: string | undefined;
  followedBy?: string | undefined;
}

interface PageRequest {
  limit: number;
  cursor?: string | undefined;
  offset?: number | undefined;
  withCount: boolean;
}

/** The tag names of the outer article, in the author's order (`'{}'` when none). */
function tagListOf(eb: ArticlesScope) {
  return eb
    .selectFrom('articleTags')
    .innerJoin('tags', 'tags.id', 'articleTags.tagId')
    .whereRef('articleTags.articleId', '=', 'articles.id')
    .select(sql<string[]>`coalesce(array_agg(tags.name ORDER BY article_tags.position), '{}')`.as('names'))
    .$asScalar()
    .$castTo<string[]>();
}

function isFavoritedBy(eb: ArticlesScope, viewerId: string | null): AliasableExpression<boolean> {
  if (viewerId === null) return sql<boolean>`false`;
  return eb
    .exists(eb.selectFrom('favorites').select(sql`1`.as('one')).where('favorites.userId', '=', viewerId).whereRef('favorites.articleId', '=', 'articles.id'))
    .$castTo<boolean>();
}

/** The columns of an article as a list shows it, for the viewer. */
function summaryColumns(eb: ArticlesScope, viewerId: string | null) {
  return [
    'articles.slug',
    'articles.title',
    'articles.description',
    'articles.createdAt',
    'articles.updatedAt',
    'articles.favoritesCount',
    tagListOf(eb).as('tagList'),
    isFavoritedBy(eb, viewerId).as('favorited'),
    profileJsonOf(eb.ref('articles.authorId'), viewerId).$notNull().as('author'),
  ] as const;
}

/** Live articles matching `filter`; each condition is served by an index (see the migration). */
function matches(eb: ArticlesScope, filter: ArticleFilter): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [eb('articles.deletedAt', 'is', null)];
  if (filter.author !== undefined) {
    conditions.push(eb('articles.authorId', '=', userIdByUsername(filter.author).$asScalar()));
  }
  if (filter.followedBy !== undefined) {
    conditions.push(eb('articles.authorId', 'in', eb.selectFrom('follows').select('follows.followeeId').where('follows.followerId', '=', filter.followedBy)));
  }
  if (filter.favoritedBy !== undefined) {
    conditions.push(
      eb('articles.id', 'in', eb.selectFrom('favorites').select('favorites.articleId').where('favorites.userId', '=', userIdByUsername(filter.favoritedBy).$asScalar())),
    );
  }
  if (filter.tag !== undefined) {
    conditions.push(
      eb(
        'articles.id',
        'in',
        eb
          .selectFrom('articleTags')
          .innerJoin('tags', 'tags.id', 'articleTags.tagId')
          .select('articleTags.articleId')
          .where('tags.name', '=', filter.tag),
      ),
    );
  }
  return eb.and(conditions);
}

function isUnfiltered(filter: ArticleFilter): boolean {
  return filter.tag === undefined && filter.author === undefined && filter.favoritedBy === undefined && filter.followedBy === undefined;
}

/**
 * How many live articles match `filter`. Unfiltered, the trigger-kept total (exact, eight rows
 * to sum; migrations/20261202_0600_count_live_articles.ts) rather than an index scan that grows
 * with the table; filtered, a count over the filter's own index.
 */
function countOfMatches(eb: ExpressionBuilder<DB, never>, filter: ArticleFilter): AliasableExpression<number> {
  if (isUnfiltered(filter)) {
    return eb.selectFrom('liveArticleCountSlots').select(sql<number>`sum(live_articles)::int`.as('count')).$asScalar().$notNull();
  }
  return eb
    .selectFrom('articles')
    .where((inner) => matches(inner, filter))
    .select(sql<number>`count(*)::int`.as('count'))
    .$asScalar()
    .$notNull();
}

/**
 * One page of live articles, newest first, keyset-paginated on `(created_at, id)`.
 *
 * @example const page = await listArticles({ db }, { tag: 'dragons', limit: 20, withCount: false }, viewerId);
 */
export async function listArticles(deps: { db: Database }, input: ListArticlesInput, viewerId: string | null): Promise<ArticlePage> {
  return pageOfArticles(deps.db, { tag: input.tag, author: input.author, favoritedBy: input.favoritedBy }, input, viewerId);
}

/** Articles by the authors `viewerId` follows, newest first. */
export async function listFeed(deps: { db: Database }, input: FeedInput, viewerId: string): Promise<ArticlePage> {
  return pageOfArticles(deps.db, { followedBy: viewerId }, input, viewerId);
}

async function pageOfArticles(db: Database, filter: ArticleFilter, page: PageRequest, viewerId: string | null): Promise<ArticlePage> {
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, createdAtIdKey);
  const eb = expressionBuilder<DB, never>();
  const items = eb
    .selectFrom('articles')
    .where((inner) => matches(inner, filter))
    .$if(after !== undefined, (qb) =>
      // Both key columns descend, so a row comparison is one index range condition.
      qb.where((inner) => inner(inner.refTuple('articles.createdAt', 'articles.id'), '<', inner.tuple(after?.[0] ?? new Date(0), after?.[1] ?? ''))),
    )
    .select((inner) => ['articles.id', ...summaryColumns(inner, viewerId)])
    .orderBy('articles.createdAt', 'desc')
    .orderBy('articles.id', 'desc')
    // One extra row tells whether a next page exists without a second query.
    .limit(page.limit + 1)
    .$if(page.offset !== undefined, (qb) => qb.offset(page.offset ?? 0));
  const totalCount: AliasableExpression<number | null> = page.withCount ? countOfMatches(eb, filter) : sql<null>`NULL`;
  const row = await db
    .selectNoFrom([jsonArrayFrom(items).as('items'), totalCount.as('totalCount')])
    .executeTakeFirstOrThrow();

  const rows = row.items.slice(0, page.limit);
  const last = rows.at(-1);
  const summaries = rows.map(({ id: _id, ...article }) => ({
    ...article,
    // JSON carries timestamps as ISO strings.
    createdAt: new Date(article.createdAt),
    updatedAt: new Date(article.updatedAt),
  }));
  return {
    items: summaries,
    nextCursor: row.items.length > page.limit && last ? encodeCursor([new Date(last.createdAt).toISOString(), last.id]) : null,
    ...(row.totalCount !== null && { totalCount: row.totalCount }),
  };
}

/**
 * One live article with its body, by current slug.
 *
 * @example const article = await getArticleBySlug({ db }, 'how-to-train-your-dragon', viewerId);
 */
export async function getArticleBySlug(deps: { db: Database }, slug: string, viewerId: string | null): Promise<Article> {
  return getLiveArticle(deps, 'articles.slug', slug, viewerId);
}

/**
 * One live article with its body, by id: what a write returns (read in its transaction), so a
 * rename committed meanwhile cannot turn the write's answer into NOT_FOUND.
 *
 * @example return getArticleById({ db: trx }, articleId, user.id);
 */
export async function getArticleById(deps: { db: Database }, id: string, viewerId: string | null): Promise<Article> {
  return getLiveArticle(deps, 'articles.id', id, viewerId);
}

async function getLiveArticle(deps: { db: Database }, key: 'articles.slug' | 'articles.id', value: string, viewerId: string | null): Promise<Article> {
  const row = await deps.db
    .selectFrom('articles')
    .where(key, '=', value)
    .where('articles.deletedAt', 'is', null)
    .select((eb) => [...summaryColumns(eb, viewerId), 'articles.body'])
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'No such article');
  return row;
}
