/** `articles.*`: reading, writing and favoriting articles. */
import { z } from 'zod';

import { router } from '../../trpc/init.ts';
import { authedProcedure, publicProcedure } from '../../trpc/procedures.ts';
import { auditOriginOf } from '../audit/audit-log.ts';
import { runIdempotently, withIdempotencyKey } from '../idempotency/idempotency.ts';
import { getArticleBySlug, listArticles, listFeed } from './article-queries.ts';
import {
  articleOutput,
  articlePageOutput,
  createArticleInput,
  deleteArticleInput,
  feedInput,
  listArticlesInput,
  slugInput,
  updateArticleInput,
} from './articles.schemas.ts';
import { favoriteArticle, unfavoriteArticle } from './favorites.ts';
import { createArticle, deleteArticle, updateArticle } from './write-articles.ts';

export const articlesRouter = router({
  list: publicProcedure
    .input(listArticlesInput)
    .output(articlePageOutput)
    .query(({ ctx, input }) => listArticles(ctx, input, ctx.auth?.user.id ?? null)),

  feed: authedProcedure
    .input(feedInput)
    .output(articlePageOutput)
    .query(({ ctx, input }) => listFeed(ctx, input, ctx.user.id)),

  bySlug: publicProcedure
    .input(slugInput)
    .output(articleOutput)
    .query(({ ctx, input }) => getArticleBySlug(ctx, input.slug, ctx.auth?.user.id ?? null)),

  create: authedProcedure
    .input(withIdempotencyKey(createArticleInput))
    .output(articleOutput)
    .mutation(({ ctx, input }) => runIdempotently(ctx, 'articles.create', input, (db) => createArticle({ ...ctx, db }, input, ctx.user))),

  update: authedProcedure
    .input(updateArticleInput)
    .output(articleOutput)
    .mutation(({ ctx, input }) => updateArticle(ctx, input, ctx.user)),

  delete: authedProcedure
    .input(deleteArticleInput)
    .output(z.object({ slug: z.string() }))
    .mutation(async ({ ctx, input }) => {
      await deleteArticle(ctx, input, ctx.user, auditOriginOf(ctx));
      return { slug: input.slug };
    }),

  favorite: authedProcedure
    .input(slugInput)
    .output(articleOutput)
    .mutation(({ ctx, input }) => favoriteArticle(ctx, input, ctx.user)),

  unfavorite: authedProcedure
    .input(slugInput)
    .output(articleOutput)
    .mutation(({ ctx, input }) => unfavoriteArticle(ctx, input, ctx.user)),
});
