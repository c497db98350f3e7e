/**
 * CI's guard against the benchmark suite rotting: `npm run bench:smoke` (a second or so per
 * scenario on tiny data) must run every scenario to the end without a failed request.
 * Nothing here is about speed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { inject, it, expect } from 'vitest';

import type { BenchRun } from '../../bench/run-bench.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

function runSmoke(jsonPath: string): Promise<{ code: number | null; output: string }> {
  const { adminUrl } = inject('testDatabaseServer');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bench/run-bench.ts', '--smoke', '--json', jsonPath], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: adminUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

it('runs every scenario of the smoke suite without a failed request', { timeout: 240_000 }, async () => {
  const jsonPath = path.join(tmpdir(), `conduit-bench-smoke-${randomBytes(4).toString('hex')}.json`);
  try {
    const { code, output } = await runSmoke(jsonPath);
    expect(code, output).toBe(0);
    const run = JSON.parse(await readFile(jsonPath, 'utf8')) as BenchRun;
    const ran = run.results.map((result) => result.id);
    expect(ran).toEqual(expect.arrayContaining(['baseline.noop', 'trpc.health.ping', 'trpc.auth.login']));
    expect(run.results.filter((result) => result.errors > 0)).toEqual([]);
  } finally {
    await rm(jsonPath, { force: true });
  }
});
