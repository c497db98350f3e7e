/**
 * CSRF defence for cookie-authenticated requests (The Copenhagen Book): a state-changing call
 * must come from an allow-listed origin or this server's own. Bearer-token callers are exempt,
 * because a browser never attaches those by itself.
 */
import type { IncomingHttpHeaders } from 'node:http';

/**
 * @example isTrustedOrigin({ origin: 'https://app.example', host: 'api.example' }, ['https://app.example']) // true
 */
export function isTrustedOrigin(headers: IncomingHttpHeaders, allowedOrigins: readonly string[]): boolean {
  const origin = headers.origin;
  if (!origin) return false;
  if (allowedOrigins.includes(origin)) return true;
  // Same-origin pages served by this API (e.g. /example) may call it with their cookie.
  const host = headers.host;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

/** Whether a mutation with these credentials and headers must be refused. */
export function isCrossSiteMutation(
  headers: IncomingHttpHeaders,
  allowedOrigins: readonly string[],
  credentialVia: 'cookie' | 'bearer' | null,
): boolean {
  if (credentialVia === 'bearer') return false;
  if (headers.origin !== undefined) return !isTrustedOrigin(headers, allowedOrigins);
  // No Origin: a non-browser client. Fine without a cookie; with one, we cannot tell who sent it.
  return credentialVia === 'cookie';
}
