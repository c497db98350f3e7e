/** What anyone may see of a user: never email, role, suspension or ids. */
import { z } from 'zod';

import { usernameSchema } from '../auth/auth.schemas.ts';

/** The public profile, as the viewer sees it (`following` is false for anonymous viewers). */
export const profileOutput = z.object({
  username: z.string(),
  bio: z.string(),
  image: z.string().nullable(),
  following: z.boolean(),
});

export type Profile = z.infer<typeof profileOutput>;

export const usernameInput = z.object({ username: usernameSchema }).strict();
