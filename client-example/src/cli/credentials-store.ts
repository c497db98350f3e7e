/**
 * Where `conduit login` keeps the token: `credentials.json` in the user's config directory
 * (`$XDG_CONFIG_HOME/conduit` or `~/.config/conduit` on Linux, the platform's equivalent
 * elsewhere; `CONDUIT_CONFIG_DIR` overrides it), readable by the user alone (mode 0600).
 */
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import envPaths from 'env-paths';

export interface StoredCredentials {
  /** The server the token belongs to. */
  url: string;
  /** A session token from `auth.login`, or a personal access token (`cdt_…`). */
  token: string;
  /** Who signed in, for `whoami` without a round trip and for messages. */
  username: string;
}

/** @example credentialsFile(process.env); // '/home/jake/.config/conduit/credentials.json' */
export function credentialsFile(env: NodeJS.ProcessEnv): string {
  const directory = env.CONDUIT_CONFIG_DIR || envPaths('conduit', { suffix: '' }).config;
  return path.join(directory, 'credentials.json');
}

/** @example const stored = await readCredentials(credentialsFile(process.env)); */
export async function readCredentials(file: string): Promise<StoredCredentials | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { url, token, username } = parsed as Record<string, unknown>;
  return typeof url === 'string' && typeof token === 'string' && typeof username === 'string' ? { url, token, username } : null;
}

/**
 * Writes the file through a temporary sibling and a rename, so a crash never leaves half a
 * token; both the directory (0700) and the file (0600) are private to the user.
 *
 * @example await writeCredentials(file, { url: 'http://localhost:3000', token, username: 'jake' });
 */
export async function writeCredentials(file: string, credentials: StoredCredentials): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // `mode` is only honoured when the file is created, and a umask could have narrowed it oddly.
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

/** @example await removeCredentials(file); */
export async function removeCredentials(file: string): Promise<void> {
  await rm(file, { force: true });
}
