/**
 * Runs `node src/server.ts` as a real child process on a loopback port, the way production
 * runs it, so tests (graceful shutdown, faults, scale-out) can signal it, watch it exit, and read
 * its JSON log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { findFreePort } from './free-port.ts';
import { eventually } from './polling.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  baseUrl: string;
  port: number;
  child: ChildProcess;
  /** Every JSON log line written so far. */
  logs: Array<Record<string, unknown>>;
  /** Resolves with the exit code (null when killed by a signal) once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The first log line `matches` accepts, waiting for it up to `timeoutMs`. */
  waitForLog(matches: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** What the process wrote to stderr (crash reports). */
  stderr(): string;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * @example
 * const server = await startServerProcess({ DATABASE_URL: url });
 * server.child.kill('SIGTERM'); await server.exited;
 */
export async function startServerProcess(env: Record<string, string>, readyTimeoutMs = 30_000): Promise<ServerProcess> {
  const port = await findFreePort();
  const child = spawn(process.execPath, ['src/server.ts'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_TOKEN: 'fault-suite-metrics-token',
      // Load from one IP would hit the per-IP auth policy; these tests are about faults.
      RATE_LIMITS: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await eventually(async () => {
      if (hasExited) throw new Error(`server exited during start-up: ${stderr.slice(0, 2_000)}`);
      const live = await fetch(`${baseUrl}/healthz`).then((response) => response.ok, () => false);
      return live ? true : undefined;
    }, readyTimeoutMs, 'the server to be ready');
  } catch (error) {
    // The caller never gets a handle to stop it: do not leave the process behind.
    child.kill('SIGKILL');
    throw error;
  }

  return {
    baseUrl,
    port,
    child,
    logs,
    exited,
    waitForLog: (matches, timeoutMs = 20_000) => eventually(() => logs.find(matches), timeoutMs, 'a matching log line'),
    stderr: () => stderr,
    async stop(graceMs = 15_000) {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
