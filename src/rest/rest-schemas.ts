/**
 * The RealWorld envelopes, written as zod around the procedures' own schemas, so the OpenAPI
 * document describes what the procedures accept and return. Only envelope and renaming live
 * here; limits and formats come from the feature schemas.
 */
import { z } from 'zod';

import { articleOutput, articleSummaryOutput } from '../features/articles/articles.schemas.ts';
import { currentUserOutput } from '../features/auth/auth.schemas.ts';
import { commentOutput } from '../features/comments/comments.schemas.ts';
import { profileOutput } from '../features/profiles/profiles.schemas.ts';

/**
 * Feature schemas named as components: wherever the very same schema object appears in an
 * operation, the document refers to `#/components/schemas/<name>` instead of repeating it.
 */
export const namedFeatureSchemas = {
  Profile: profileOutput,
  Article: articleOutput,
  ArticleSummary: articleSummaryOutput,
  Comment: commentOutput,
};

export const genericErrorModel = z
  .object({ errors: z.record(z.string(), z.array(z.string())) })
  .meta({
    id: 'GenericErrorModel',
    description: 'The key names the field, the resource (403/404), `token` (401) or the reason in lower case; the reason is also in the `x-error-reason` header.',
    example: { errors: { title: ['Too small: expected string to have >=1 characters'] } },
  });

/** The signed-in user as RealWorld shows them: their own account plus the token to send back. */
export const restUser = currentUserOutput
  .pick({ email: true, username: true, bio: true, image: true })
  .extend({ token: z.string().meta({ description: 'Send as `Authorization: Token <token>`' }) })
  .meta({ id: 'User' });

export const userEnvelope = z.object({ user: restUser });

/**
 * `{ key: schema }`, the shape of every RealWorld request and response body.
 *
 * @example envelope('article', articleOutput)
 */
export function envelope<K extends string, S extends z.ZodType>(key: K, schema: S) {
  return z.object({ [key]: schema } as Record<K, S>);
}
