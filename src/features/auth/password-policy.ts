/**
 * The password policy (ASVS 2.1, NIST 800-63B): 8 to 128 characters of any Unicode after NFKC
 * normalisation (the length rules live in `newPasswordSchema`), not the username or email,
 * and not in the common-password list shipped by @zxcvbn-ts/language-common (≈49k entries).
 * No composition rules: they make passwords worse, not stronger.
 */
import { dictionary } from '@zxcvbn-ts/language-common';

import { AppError } from '../../lib/errors.ts';

const commonPasswords: ReadonlySet<string> = new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()));

export type PasswordRule = 'not_username' | 'not_email' | 'not_common';

/**
 * Throws WEAK_PASSWORD naming the rule that failed (`details.rule`).
 *
 * @example assertPasswordPolicy('password1', { username: 'alice', email: 'a@example.com' }); // throws, rule 'not_common'
 */
export function assertPasswordPolicy(password: string, account: { username: string; email: string }): void {
  const candidate = password.normalize('NFKC').toLowerCase();
  const fail = (rule: PasswordRule, message: string) => {
    throw new AppError('WEAK_PASSWORD', message, { details: { field: 'password', rule } });
  };
  if (candidate === account.username.toLowerCase()) fail('not_username', 'Password must not be your username');
  const email = account.email.toLowerCase();
  if (candidate === email || candidate === email.split('@')[0]) fail('not_email', 'Password must not be your email address');
  if (commonPasswords.has(candidate)) fail('not_common', 'Password is too common: it appears in lists of leaked passwords');
}
