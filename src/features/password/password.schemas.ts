/** Input and output schemas of `auth.password.*`. */
import { z } from 'zod';

import { emailSchema, newPasswordSchema } from '../auth/auth.schemas.ts';

export const changePasswordInput = z.object({ currentPassword: z.string().min(1).max(1024), newPassword: newPasswordSchema }).strict();

export const requestPasswordResetInput = z.object({ email: emailSchema }).strict();

/** The same answer for every address, registered or not (no account enumeration). */
export const requestPasswordResetOutput = z.object({ message: z.string() });

export const resetPasswordInput = z.object({ token: z.string().min(16).max(128), newPassword: newPasswordSchema }).strict();
