/** Input and output schemas of `auth.tokens.*`. */
import { z } from 'zod';

export const scopeSchema = z.enum(['read', 'write']);

export const createAccessTokenInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(scopeSchema).min(1).max(2),
    expiresInDays: z.number().int().min(1).max(366).optional(),
  })
  .strict();

export type CreateAccessTokenInput = z.infer<typeof createAccessTokenInput>;

export const accessTokenIdInput = z.object({ id: z.uuid() }).strict();

export const accessTokenSummaryOutput = z.object({
  id: z.uuid(),
  name: z.string(),
  scopes: z.array(scopeSchema),
  createdAt: z.date(),
  expiresAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
});

export type AccessTokenSummary = z.infer<typeof accessTokenSummaryOutput>;

export const createdAccessTokenOutput = accessTokenSummaryOutput.extend({ token: z.string() });
