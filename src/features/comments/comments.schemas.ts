/** Comment inputs and outputs; the author is a public profile, nothing more. */
import { z } from 'zod';

import { removalReasonSchema } from '../articles/articles.schemas.ts';
import { profileOutput } from '../profiles/profiles.schemas.ts';

export const commentBodyLimit = 10_000;

const slugSchema = z.string().min(1).max(255);

export const listCommentsInput = z.object({ slug: slugSchema }).strict();
export const addCommentInput = z.object({ slug: slugSchema, body: z.string().trim().min(1, 'Comment cannot be empty').max(commentBodyLimit) }).strict();
export const deleteCommentInput = z
  .object({ slug: slugSchema, id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), reason: removalReasonSchema.optional() })
  .strict();

export const commentOutput = z.object({
  id: z.number().int(),
  body: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  author: profileOutput,
});

export const commentListOutput = z.object({ items: z.array(commentOutput) });

export type Comment = z.infer<typeof commentOutput>;
