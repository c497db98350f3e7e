/** Input and output schemas of `auth.sessions.*`. */
import { z } from 'zod';

export const sessionIdInput = z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, 'Not a session id') }).strict();

export const sessionSummaryOutput = z.object({
  id: z.string(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: z.date(),
  lastUsedAt: z.date(),
  expiresAt: z.date(),
  isCurrent: z.boolean(),
});

export type SessionSummary = z.infer<typeof sessionSummaryOutput>;
