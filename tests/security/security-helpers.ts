/** Small helpers the security suite shares: the error contract of a failed call, and raw HTTP. */
import { TRPCClientError } from '@trpc/client';
import superjson from 'superjson';

export interface ContractData {
  code: string;
  httpStatus: number;
  reason: string;
  issues?: Array<{ path: string; message: string }>;
}

/**
 * The error contract of a call that must fail (the test fails if it succeeds).
 *
 * @example expect(await refusal(bob.api.articles.delete.mutate({ slug }))).toMatchObject({ reason: 'FORBIDDEN' });
 */
export async function refusal(call: Promise<unknown>): Promise<ContractData> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error.data as ContractData;
    throw error;
  }
  throw new Error('expected the call to be refused, but it succeeded');
}

/**
 * `'ok'` when the call succeeds, else the reason it was refused with: for sequences where either is expected.
 *
 * @example expect([await outcome(a()), await outcome(b())]).toEqual(['ok', 'RATE_LIMITED']);
 */
export async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    if (error instanceof TRPCClientError) return (error.data as ContractData).reason;
    throw error;
  }
}

/**
 * A tRPC mutation over raw HTTP, for headers a tRPC client would not send (cookies, Origin).
 *
 * @example const response = await rawMutation(server.baseUrl, 'auth.logout', undefined, { cookie });
 */
export function rawMutation(baseUrl: string, path: string, input: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(superjson.serialize(input)),
  });
}

/** A tRPC query over raw HTTP. @example await rawQuery(server.baseUrl, 'auth.me', undefined, { cookie }) */
export function rawQuery(baseUrl: string, path: string, input: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const encoded = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  return fetch(`${baseUrl}/trpc/${path}${encoded}`, { headers });
}
