/** Input of `users.update`: only the caller's own editable fields; role, counts and ids are not among them. */
import { z } from 'zod';

import { emailSchema, newPasswordSchema, usernameSchema } from '../auth/auth.schemas.ts';

export const updateUserInput = z
  .object({
    email: emailSchema.optional(),
    username: usernameSchema.optional(),
    password: newPasswordSchema.optional(),
    bio: z.string().trim().max(2_000).optional(),
    /** An http(s) URL, or null (or '') to remove the image. */
    image: z
      .union([z.literal('').transform(() => null), z.null(), z.url({ protocol: /^https?$/ }).max(2_048)])
      .optional(),
  })
  .strict();

export type UpdateUserInput = z.infer<typeof updateUserInput>;
