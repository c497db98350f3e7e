/** Input and output schemas of the auth procedures: the limits every account field obeys. */
import { z } from 'zod';

/** Documented username pattern (README): 3–32 of letters, digits, `_` and `-`. */
export const usernameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{3,32}$/, 'Username must be 3 to 32 letters, digits, "_" or "-"');

export const emailSchema = z.string().trim().max(254).pipe(z.email('Must be a valid email address'));

/** Length only: the full policy (common passwords, not the username) needs context, see password-policy.ts. */
export const newPasswordSchema = z
  .string()
  .transform((value) => value.normalize('NFKC'))
  .pipe(z.string().min(8, 'Password must be at least 8 characters').max(128, 'Password must be at most 128 characters'));

export const registerInput = z.object({ email: emailSchema, username: usernameSchema, password: newPasswordSchema }).strict();

export const loginInput = z
  .object({ login: z.string().trim().min(1).max(254), password: z.string().min(1).max(1024) })
  .strict();

/** The signed-in user as they see themselves (never as others see them). */
export const currentUserOutput = z.object({
  id: z.uuid(),
  email: z.string(),
  username: z.string(),
  bio: z.string(),
  image: z.string().nullable(),
  role: z.enum(['user', 'moderator', 'admin']),
  emailVerified: z.boolean(),
});

export type CurrentUser = z.infer<typeof currentUserOutput>;

export const sessionGrantOutput = z.object({ user: currentUserOutput, token: z.string() });

/** `auth.login`: a session, or (2FA on) a challenge to finish with `auth.twoFactor.verifyLogin`. */
export const loginOutput = z.discriminatedUnion('twoFactorRequired', [
  sessionGrantOutput.extend({ twoFactorRequired: z.literal(false) }),
  z.object({ twoFactorRequired: z.literal(true), challenge: z.string(), expiresAt: z.date() }),
]);

export type LoginResult = z.infer<typeof loginOutput>;
