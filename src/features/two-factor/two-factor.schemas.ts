/** Input and output schemas of `auth.twoFactor.*`. */
import { z } from 'zod';

import { sessionGrantOutput } from '../auth/auth.schemas.ts';

/** A 6-digit TOTP code, or (where accepted) a recovery code such as `k2fq-7dxa-m3pe-wz5r`. */
export const totpCodeSchema = z.string().trim().regex(/^\d{6}$/, 'Code must be 6 digits');
export const recoveryCodeSchema = z.string().trim().min(16).max(24).regex(/^[A-Za-z2-7 -]+$/, 'Not a recovery code');

export const twoFactorSetupOutput = z.object({ secret: z.string(), uri: z.string(), qrSvg: z.string() });

export const enableTwoFactorInput = z.object({ code: totpCodeSchema }).strict();
export const enableTwoFactorOutput = z.object({ recoveryCodes: z.array(z.string()) });

export const disableTwoFactorInput = z.object({ code: z.union([totpCodeSchema, recoveryCodeSchema]) }).strict();

export const verifyLoginInput = z.union([
  z.object({ challenge: z.string().min(16).max(128), code: totpCodeSchema }).strict(),
  z.object({ challenge: z.string().min(16).max(128), recoveryCode: recoveryCodeSchema }).strict(),
]);

export type VerifyLoginInput = z.infer<typeof verifyLoginInput>;

export const verifyLoginOutput = sessionGrantOutput;
