/**
 * Article inputs (with the documented limits) and outputs. Outputs are explicit objects, so a
 * field that is not listed here (author id, email, role, deleted_at) can never reach a client.
 */
import { z } from 'zod';

import { cursorInput } from '../../lib/keyset-cursor.ts';
import { usernameSchema } from '../auth/auth.schemas.ts';
import { profileOutput } from '../profiles/profiles.schemas.ts';

export const articleLimits = { title: 200, description: 1_000, body: 100_000, tags: 10, tagLength: 32 } as const;

/** One tag: trimmed and lower-cased before its length is checked. */
export const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.string().min(1, 'Tags cannot be empty').max(articleLimits.tagLength, `Tags are at most ${articleLimits.tagLength} characters`));

/** At most 10 tags, deduplicated after normalisation (first occurrence keeps its place). */
export const tagListSchema = z
  .array(tagSchema)
  .max(articleLimits.tags * 4, 'Too many tags')
  .transform((tags) => [...new Set(tags)])
  .pipe(z.array(z.string()).max(articleLimits.tags, `At most ${articleLimits.tags} tags`));

const titleSchema = z.string().trim().min(1, 'Title is required').max(articleLimits.title);
const descriptionSchema = z.string().trim().max(articleLimits.description);
const bodySchema = z.string().max(articleLimits.body);

export const slugInput = z.object({ slug: z.string().min(1).max(255) }).strict();

export const createArticleInput = z
  .object({ title: titleSchema, description: descriptionSchema, body: bodySchema, tagList: tagListSchema.default([]) })
  .strict();

export const updateArticleInput = z
  .object({
    slug: z.string().min(1).max(255),
    title: titleSchema.optional(),
    description: descriptionSchema.optional(),
    body: bodySchema.optional(),
    tagList: tagListSchema.optional(),
  })
  .strict();

/** A moderator removing someone else's content must say why (it goes to the audit log). */
export const removalReasonSchema = z.string().trim().min(1).max(500);

export const deleteArticleInput = z.object({ slug: z.string().min(1).max(255), reason: removalReasonSchema.optional() }).strict();

const pageOptions = {
  limit: z.number().int().min(1).max(100).default(20),
  cursor: cursorInput.optional(),
  /** For the REST adapter's `?offset=`; keyset `cursor` is the efficient way to page. */
  offset: z.number().int().min(0).max(100_000).optional(),
  /** Adds `totalCount` (same statement: the trigger-kept total when unfiltered, else one more index scan). */
  withCount: z.boolean().default(false),
};

function cursorOrOffset(input: { cursor?: string | undefined; offset?: number | undefined }): boolean {
  return input.cursor === undefined || input.offset === undefined;
}

export const listArticlesInput = z
  .object({ tag: tagSchema.optional(), author: usernameSchema.optional(), favoritedBy: usernameSchema.optional(), ...pageOptions })
  .strict()
  .refine(cursorOrOffset, { message: 'Use either cursor or offset, not both', path: ['offset'] });

export const feedInput = z.object(pageOptions).strict().refine(cursorOrOffset, { message: 'Use either cursor or offset, not both', path: ['offset'] });

const articleFields = {
  slug: z.string(),
  title: z.string(),
  description: z.string(),
  tagList: z.array(z.string()),
  createdAt: z.date(),
  updatedAt: z.date(),
  favorited: z.boolean(),
  favoritesCount: z.number().int(),
  author: profileOutput,
};

/** An article in a list: everything but `body` (as the RealWorld specification does). */
export const articleSummaryOutput = z.object(articleFields);
/** A single article (`bySlug`, create, update): with `body`. */
export const articleOutput = z.object({ ...articleFields, body: z.string() });

export const articlePageOutput = z.object({
  items: z.array(articleSummaryOutput),
  nextCursor: z.string().nullable(),
  /** Present when `withCount` was asked for: all matching live articles. */
  totalCount: z.number().int().optional(),
});

export type ListArticlesInput = z.infer<typeof listArticlesInput>;
export type FeedInput = z.infer<typeof feedInput>;
export type ArticleSummary = z.infer<typeof articleSummaryOutput>;
export type Article = z.infer<typeof articleOutput>;
export type ArticlePage = z.infer<typeof articlePageOutput>;
