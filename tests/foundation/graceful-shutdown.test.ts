/**
 * Graceful shutdown of the real process (`node src/server.ts`): on SIGTERM it stops accepting,
 * lets the request already in flight finish, and exits 0; a request that never finishes cannot
 * hold it past SHUTDOWN_TIMEOUT_MS.
 *
 * "In flight" is made deterministic without sleeps: the request's headers arrive (the server
 * logs it) but its body is held back until the server is already shutting down.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const repositoryRoot = path.resolve(import.meta.dirname, '../..');
const deadlineMs = 20_000;

type LogLine = Record<string, unknown>;

/** A server process, its parsed JSON log, and a way to wait for a given line. */
interface ServerProcess {
  child: ChildProcess;
  port: number;
  waitForLog(matches: (line: LogLine) => boolean): Promise<LogLine>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startServerProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['src/server.ts'], {
    cwd: repositoryRoot,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: databaseUrl,
      // The template the test database is cloned from is already migrated.
      MIGRATE_ON_START: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));

  const lines: LogLine[] = [];
  const waiters: Array<{ matches: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as LogLine;
    lines.push(line);
    for (const waiter of waiters.filter((candidate) => candidate.matches(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const waitForLog = (matches: (line: LogLine) => boolean) =>
    new Promise<LogLine>((resolve, reject) => {
      const seen = lines.find(matches);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => reject(new Error(`no matching log line within ${deadlineMs} ms`)), deadlineMs);
      waiters.push({ matches, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });

  const listening = await waitForLog((line) => String(line.msg).startsWith('Server listening at'));
  const port = Number(new URL(String(listening.msg).replace('Server listening at ', '')).port);
  return { child, port, waitForLog, exited };
}

/** Opens a connection and sends a registration whose body stops half-way. */
async function sendHeadersAndHalfABody(port: number, requestId: string) {
  const body = JSON.stringify({
    json: { email: `${requestId}@example.com`, username: requestId, password: 'correct horse battery staple' },
  });
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = once(socket, 'close');
  socket.write(
    `POST /trpc/auth.register HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\n\r\n${body.slice(0, 20)}`,
  );
  return {
    /** Sends the rest of the body and resolves with the raw response once the server closes. */
    async finish(): Promise<string> {
      socket.write(body.slice(20));
      await closed;
      return Buffer.concat(chunks).toString('utf8');
    },
    socket,
  };
}

/** Resolves once a new TCP connection to `port` is refused (bounded). */
async function waitUntilConnectionsRefused(port: number): Promise<void> {
  const giveUpAt = Date.now() + deadlineMs;
  while (Date.now() < giveUpAt) {
    const socket: Socket = connect(port, '127.0.0.1');
    const outcome = await Promise.race([
      once(socket, 'connect').then(() => 'accepted' as const),
      once(socket, 'error').then(([error]) => (error as NodeJS.ErrnoException).code ?? 'error'),
    ]).catch((error: unknown) => (error as NodeJS.ErrnoException).code ?? 'error');
    socket.destroy();
    if (outcome === 'ECONNREFUSED') return;
    // The listener closes a moment after the shutdown starts; poll again.
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`port ${port} still accepted connections after ${deadlineMs} ms`);
}

describe('graceful shutdown of the server process', () => {
  let database: TestDatabase;
  let server: ServerProcess | undefined;

  beforeEach(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await database.drop();
  });

  it('finishes the in-flight request, refuses new connections and exits 0 on SIGTERM', async () => {
    server = await startServerProcess(database.url);
    const requestId = `shutdown_${randomBytes(4).toString('hex')}`;
    const inFlight = await sendHeadersAndHalfABody(server.port, requestId);
    await server.waitForLog((line) => line.reqId === requestId && line.msg === 'incoming request');

    server.child.kill('SIGTERM');
    await server.waitForLog((line) => line.msg === 'shutting down');
    await waitUntilConnectionsRefused(server.port);

    const response = await inFlight.finish();
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    // The server tells the client not to reuse the connection, then closes it.
    expect(response).toMatch(/\r\nconnection: close\r\n/i);
    expect(response).toContain(`"username":"${requestId}"`);

    expect(await server.exited).toEqual({ code: 0, signal: null });
  });

  it('does not let a request that never finishes hold the process past SHUTDOWN_TIMEOUT_MS', async () => {
    server = await startServerProcess(database.url, { SHUTDOWN_TIMEOUT_MS: '500' });
    const requestId = `stuck_${randomBytes(4).toString('hex')}`;
    const stuck = await sendHeadersAndHalfABody(server.port, requestId);
    await server.waitForLog((line) => line.reqId === requestId && line.msg === 'incoming request');

    server.child.kill('SIGTERM');

    // close-with-grace gives up after the delay and exits 1: bounded, and visibly not clean.
    expect(await server.exited).toEqual({ code: 1, signal: null });
    stuck.socket.destroy();
  });
});
