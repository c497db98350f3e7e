/**
 * Graceful shutdown of the real process (`node src/server.ts`): on SIGTERM it stops accepting,
 * lets the request already in flight finish, and exits 0; a request that never finishes cannot
 * hold it past SHUTDOWN_TIMEOUT_MS.
 *
 * "In flight" is made deterministic without sleeps: the request's headers arrive (the server
 * logs it) but its body is held back until the server is already shutting down.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

/** The template the test database is cloned from is already migrated. */
const startServer = (databaseUrl: string, env: Record<string, string> = {}) =>
  startServerProcess({ DATABASE_URL: databaseUrl, MIGRATE_ON_START: 'false', ...env });

const deadlineMs = 20_000;

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
    server = await startServer(database.url);
    const requestId = `shutdown_${randomBytes(4).toString('hex')}`;
    const inFlight = await sendHeadersAndHalfABody(server.port, requestId);
    await server.waitForLog((line) => line.reqId === requestId && line.msg === 'incoming request', deadlineMs);

    server.child.kill('SIGTERM');
    await server.waitForLog((line) => line.msg === 'shutting down', deadlineMs);
    await waitUntilConnectionsRefused(server.port);

    const response = await inFlight.finish();
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    // The server tells the client not to reuse the connection, then closes it.
    expect(response).toMatch(/\r\nconnection: close\r\n/i);
    expect(response).toContain(`"username":"${requestId}"`);

    expect(await server.exited).toEqual({ code: 0, signal: null });
  });

  it('does not let a request that never finishes hold the process past SHUTDOWN_TIMEOUT_MS', async () => {
    server = await startServer(database.url, { SHUTDOWN_TIMEOUT_MS: '500' });
    const requestId = `stuck_${randomBytes(4).toString('hex')}`;
    const stuck = await sendHeadersAndHalfABody(server.port, requestId);
    await server.waitForLog((line) => line.reqId === requestId && line.msg === 'incoming request', deadlineMs);

    server.child.kill('SIGTERM');

    // close-with-grace gives up after the delay and exits 1: bounded, and visibly not clean.
    expect(await server.exited).toEqual({ code: 1, signal: null });
    stuck.socket.destroy();
  });
});
