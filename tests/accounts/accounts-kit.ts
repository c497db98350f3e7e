/** Small helpers the accounts tests share: reading a tRPC failure, TOTP codes, raw SQL edits. */
import { TRPCClientError } from '@trpc/client';
import { Secret, TOTP } from 'otpauth';
import { expect } from 'vitest';

import type { AppRouter } from '../../src/client.ts';

/** The error data of a call that must fail. */
export async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'expected the call to fail').toBeInstanceOf(TRPCClientError);
  return (error as TRPCClientError<AppRouter>).data;
}

/** The TOTP code of `secret` for time step `step` (30-second steps since the epoch). */
export function totpCodeAtStep(secret: string, step: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: step * 30_000 + 1_000 });
}

export function currentTotpStep(): number {
  return TOTP.counter({ timestamp: Date.now() });
}
