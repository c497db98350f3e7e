/** A bare `fetch` client for the REST API, the way RealWorld frontends and test suites call it. */
import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import type { TestServer } from '../helpers/test-server.ts';

export interface RestResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface RestRequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * @example const { status, body } = await rest(server, 'GET', '/api/user', { token });
 */
export async function rest(server: Pick<TestServer, 'baseUrl'>, method: string, path: string, options: RestRequestOptions = {}): Promise<RestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Token ${options.token}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers,
    ...(options.body !== undefined && { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** An account registered over tRPC (the REST registration has its own tests). */
export function restAccount(server: TestServer, overrides: Parameters<typeof registerAccount>[1] = {}): Promise<TestAccount> {
  return registerAccount(server, overrides);
}
