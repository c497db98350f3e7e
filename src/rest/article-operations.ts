/**
 * `/articles…` and `/articles/{slug}/favorite`: articles.list, feed, bySlug, create, update,
 * delete, favorite, unfavorite. RealWorld pages by `offset`; the procedures page by keyset
 * cursor and accept `offset` for this adapter, with `withCount` for `articlesCount`.
 */
import { z } from 'zod';

import {
  articleOutput,
  articleSummaryOutput,
  createArticleInput,
  deleteArticleInput,
  feedInput,
  listArticlesInput,
  slugInput,
  updateArticleInput,
} from '../features/articles/articles.schemas.ts';
import type { ArticlePage } from '../features/articles/articles.schemas.ts';
import { defineOperation, envelopeContent, integerParam, procedureInput, specFields, textParam } from './rest-operation.ts';
import { envelope } from './rest-schemas.ts';

const articleEnvelope = envelope('article', articleOutput);
const multipleArticles = z.object({ articles: z.array(articleSummaryOutput), articlesCount: z.number().int() });
const slugPath = z.object({ slug: slugInput.shape.slug.meta({ description: 'Slug of the article' }) });

const pageQuery = {
  limit: feedInput.shape.limit.meta({ description: 'How many articles to return' }),
  offset: feedInput.shape.offset.meta({ description: 'How many articles to skip' }),
};
const listQuery = z.object({
  tag: listArticlesInput.shape.tag.meta({ description: 'Only articles with this tag' }),
  author: listArticlesInput.shape.author.meta({ description: 'Only articles by this username' }),
  favorited: listArticlesInput.shape.favoritedBy.meta({ description: 'Only articles favorited by this username' }),
  ...pageQuery,
});
const feedQuery = z.object(pageQuery);

const articleFields = ['title', 'description', 'body', 'tagList'] as const;

/** Query values present in the request, numbers parsed; absent ones stay absent. */
function pageOf(query: Record<string, unknown>): Record<string, unknown> {
  return definedOnly({ limit: integerParam(query.limit), offset: integerParam(query.offset) });
}

function definedOnly(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

function multipleArticlesResponse(page: ArticlePage) {
  // withCount: true was asked for, so totalCount is there.
  return { articles: page.items, articlesCount: page.totalCount ?? page.items.length };
}

export const listArticlesOperation = defineOperation({
  method: 'GET',
  path: '/articles',
  operationId: 'GetArticles',
  summary: 'Recent articles, newest first, filtered by tag, author or favoriting user (auth optional)',
  tag: 'Articles',
  isAuthRequired: false,
  resource: 'article',
  fieldAliases: { favoritedBy: 'favorited' },
  request: { query: listQuery },
  success: { status: 200, description: 'A page of articles (without `body`) and the total count', schema: multipleArticles },
  errors: [422],
  async handle({ caller, query }) {
    const filters = definedOnly({ tag: textParam(query.tag), author: textParam(query.author), favoritedBy: textParam(query.favorited) });
    const page = await caller.articles.list(procedureInput({ ...filters, ...pageOf(query), withCount: true }));
    return multipleArticlesResponse(page);
  },
});

export const feedOperation = defineOperation({
  method: 'GET',
  path: '/articles/feed',
  operationId: 'GetArticlesFeed',
  summary: 'Recent articles by the users you follow, newest first',
  tag: 'Articles',
  isAuthRequired: true,
  resource: 'article',
  request: { query: feedQuery },
  success: { status: 200, description: 'A page of articles (without `body`) and the total count', schema: multipleArticles },
  errors: [401, 422],
  async handle({ caller, query }) {
    return multipleArticlesResponse(await caller.articles.feed(procedureInput({ ...pageOf(query), withCount: true })));
  },
});

export const getArticleOperation = defineOperation({
  method: 'GET',
  path: '/articles/{slug}',
  operationId: 'GetArticle',
  summary: 'An article (auth optional)',
  tag: 'Articles',
  isAuthRequired: false,
  resource: 'article',
  request: { path: slugPath },
  success: { status: 200, description: 'The article', schema: articleEnvelope },
  errors: [404, 422],
  async handle({ caller, params }) {
    return { article: await caller.articles.bySlug(procedureInput({ slug: params.slug })) };
  },
});

export const createArticleOperation = defineOperation({
  method: 'POST',
  path: '/articles',
  operationId: 'CreateArticle',
  summary: 'Create an article',
  tag: 'Articles',
  isAuthRequired: true,
  resource: 'article',
  request: { body: envelope('article', createArticleInput.meta({ id: 'NewArticle' })) },
  success: { status: 201, description: 'The new article', schema: articleEnvelope },
  errors: [401, 403, 409, 422],
  async handle({ caller, body }) {
    const fields = specFields(envelopeContent(body, 'article'), articleFields);
    return { article: await caller.articles.create(procedureInput(fields)) };
  },
});

export const updateArticleOperation = defineOperation({
  method: 'PUT',
  path: '/articles/{slug}',
  operationId: 'UpdateArticle',
  summary: 'Update your article (a new title gives a new slug)',
  tag: 'Articles',
  isAuthRequired: true,
  resource: 'article',
  request: { path: slugPath, body: envelope('article', updateArticleInput.omit({ slug: true }).meta({ id: 'UpdateArticle' })) },
  success: { status: 200, description: 'The updated article', schema: articleEnvelope },
  errors: [401, 403, 404, 409, 422],
  async handle({ caller, params, body }) {
    const fields = specFields(envelopeContent(body, 'article'), articleFields);
    return { article: await caller.articles.update(procedureInput({ ...fields, slug: params.slug })) };
  },
});

export const deleteArticleOperation = defineOperation({
  method: 'DELETE',
  path: '/articles/{slug}',
  operationId: 'DeleteArticle',
  summary: 'Delete an article (its author, or a moderator giving a reason)',
  tag: 'Articles',
  isAuthRequired: true,
  resource: 'article',
  request: {
    path: slugPath,
    query: z.object({ reason: deleteArticleInput.shape.reason.meta({ description: "Moderators removing someone else's article: why (audited)" }) }),
  },
  success: { status: 204, description: 'Deleted' },
  errors: [401, 403, 404, 422],
  async handle({ caller, params, query }) {
    await caller.articles.delete(procedureInput({ slug: params.slug, ...definedOnly({ reason: textParam(query.reason) }) }));
  },
});

export const favoriteOperation = defineOperation({
  method: 'POST',
  path: '/articles/{slug}/favorite',
  operationId: 'CreateArticleFavorite',
  summary: 'Favorite an article (idempotent)',
  tag: 'Favorites',
  isAuthRequired: true,
  resource: 'article',
  request: { path: slugPath },
  success: { status: 200, description: 'The article, favorited', schema: articleEnvelope },
  errors: [401, 403, 404, 422],
  async handle({ caller, params }) {
    return { article: await caller.articles.favorite(procedureInput({ slug: params.slug })) };
  },
});

export const unfavoriteOperation = defineOperation({
  method: 'DELETE',
  path: '/articles/{slug}/favorite',
  operationId: 'DeleteArticleFavorite',
  summary: 'Unfavorite an article (idempotent)',
  tag: 'Favorites',
  isAuthRequired: true,
  resource: 'article',
  request: { path: slugPath },
  success: { status: 200, description: 'The article, no longer favorited', schema: articleEnvelope },
  errors: [401, 403, 404, 422],
  async handle({ caller, params }) {
    return { article: await caller.articles.unfavorite(procedureInput({ slug: params.slug })) };
  },
});

export const articleOperations = [
  listArticlesOperation,
  feedOperation,
  getArticleOperation,
  createArticleOperation,
  updateArticleOperation,
  deleteArticleOperation,
];

export const favoriteOperations = [favoriteOperation, unfavoriteOperation];
