/**
 * Who the CLI talks to and as whom: `--url` / `CONDUIT_URL` / the URL stored at login /
 * http://localhost:3000, and `--token` / `CONDUIT_TOKEN` / the stored token, in that order.
 */
import { EventSource } from 'eventsource';

import { createConduitClient, type ConduitClient } from '../api.ts';
import { credentialsFile, readCredentials, type StoredCredentials } from './credentials-store.ts';
import { NotSignedInError, UsageError } from './exit-codes.ts';

export const defaultUrl = 'http://localhost:3000';

export interface GlobalOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

export interface CliSession {
  url: string;
  token: string | null;
  /** Where the token came from: `--token`, `CONDUIT_TOKEN`, or the stored credentials. */
  tokenSource: 'option' | 'env' | 'stored' | null;
  stored: StoredCredentials | null;
  file: string;
  /** A client that sends the token when there is one. */
  api: ConduitClient;
  /** The token, or NotSignedInError (exit code 3) when there is none. */
  requireToken(): string;
}

/** @example const session = await openSession(command.optsWithGlobals(), process.env); */
export async function openSession(options: GlobalOptions, env: NodeJS.ProcessEnv): Promise<CliSession> {
  const file = credentialsFile(env);
  const stored = await readCredentials(file);
  const url = normaliseUrl(options.url ?? env.CONDUIT_URL ?? stored?.url ?? defaultUrl);
  // A stored token belongs to the server it was issued by; it is not sent anywhere else.
  const storedToken = stored && normaliseUrl(stored.url) === url ? stored.token : null;
  const tokenSource = options.token ? 'option' : env.CONDUIT_TOKEN ? 'env' : storedToken ? 'stored' : null;
  const token = options.token || env.CONDUIT_TOKEN || storedToken || null;
  return {
    url,
    token,
    tokenSource,
    stored,
    file,
    api: clientFor(url, token),
    requireToken() {
      if (!token) throw new NotSignedInError(`Not signed in to ${url}: run \`conduit login\`, or pass --token / set CONDUIT_TOKEN`);
      return token;
    },
  };
}

/** @example const api = clientFor('http://localhost:3000', 'cdt_…'); */
export function clientFor(url: string, token: string | null): ConduitClient {
  return createConduitClient({
    baseUrl: url,
    headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
    // The `eventsource` package follows the WHATWG interface the browser's class has.
    EventSource,
  });
}

function normaliseUrl(raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new UsageError(`--url must be an absolute http(s) URL, got "${raw}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--url must use http or https, got "${raw}"`);
  return parsed.origin + parsed.pathname.replace(/\/+$/, '');
}
