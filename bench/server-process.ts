/**
 * The server under test, as a child process started the way production starts it
 * (`npm start`'s node flags and entry, NODE_ENV=production, LOG_LEVEL=warn), plus the
 * bench-only routes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ServerStats } from '../src/features/bench/bench.routes.ts';
import { findFreePort } from '../tests/helpers/free-port.ts';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface ServerUnderTest {
  baseUrl: string;
  pid: number;
  stats(): Promise<ServerStats>;
  resetStats(): Promise<void>;
  /** Warnings and errors the server logged (LOG_LEVEL=warn), for the run's summary. */
  logLines: string[];
  stop(): Promise<void>;
}

export interface ServerStartOptions {
  databaseUrl: string;
  /** Extra environment (e.g. a transformer switch for before/after comparisons). */
  env?: Record<string, string>;
  cpuProfileDir?: string | undefined;
}

const readyDeadlineMs = 60_000;

/**
 * The node flags of `npm start` (`exec node <flags> src/server.ts`), so the server is measured
 * with the memory settings production runs with.
 *
 * @example productionNodeFlags(); // ['--max-semi-space-size=16', '--max-old-space-size=1024']
 */
export function productionNodeFlags(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = (manifest.scripts.start ?? '').split(/\s+/);
  const entry = words.indexOf('src/server.ts');
  return words.slice(words.indexOf('node') + 1, entry === -1 ? undefined : entry).filter((word) => word.startsWith('--'));
}

/**
 * @example
 * const server = await startServerUnderTest({ databaseUrl });
 * await fetch(`${server.baseUrl}/bench/raw/noop`);
 * await server.stop();
 */
export async function startServerUnderTest(options: ServerStartOptions): Promise<ServerUnderTest> {
  const port = await findFreePort();
  const profileFlags = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.cpuProfileDir)}`] : [];
  const nodeFlags = [...productionNodeFlags(), ...profileFlags];
  const child = spawn(process.execPath, [...nodeFlags, 'src/server.ts'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: options.databaseUrl,
      MIGRATE_ON_START: 'false',
      BENCH_BASELINE_ROUTES: 'true',
      // The load is the point: rate limits would turn it into 429s (the server warns at start).
      RATE_LIMITS: 'off',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logLines: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logLines.push(line);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(child, baseUrl, logLines);
  return {
    baseUrl,
    pid: child.pid!,
    logLines,
    async stats() {
      const response = await fetch(`${baseUrl}/bench/stats`);
      return (await response.json()) as ServerStats;
    },
    async resetStats() {
      await fetch(`${baseUrl}/bench/stats/reset`, { method: 'POST' });
    },
    stop: () => stopChild(child),
  };
}

async function waitUntilReady(child: ChildProcess, baseUrl: string, logLines: string[]): Promise<void> {
  const deadline = Date.now() + readyDeadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with code ${child.exitCode} before it was ready:\n${logLines.join('\n')}`);
    }
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server not ready within ${readyDeadlineMs} ms:\n${logLines.join('\n')}`);
}

/** SIGTERM (graceful shutdown, which also flushes a CPU profile), SIGKILL if it hangs. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(killTimer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
