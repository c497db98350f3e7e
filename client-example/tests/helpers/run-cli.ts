/** Runs the `conduit` CLI as a child process, the way a user or a script does. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const cliEntry = fileURLToPath(new URL('../../src/cli/conduit.ts', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * @example const { code, stdout } = await runCli(['whoami'], { CONDUIT_URL: server.baseUrl });
 */
export async function runCli(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  const child = startCli(args, env);
  child.stdin.end(stdin ?? '');
  return finished(child);
}

/** Starts the CLI and leaves it running (for `comments tail`). */
export function startCli(args: string[], env: Record<string, string>): ChildProcessWithoutNullStreams {
  // process.execPath is the Node 24 running vitest; the CLI needs it for type stripping.
  return spawn(process.execPath, [cliEntry, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env },
    stdio: 'pipe',
  });
}

/** Resolves with everything the child printed once it exits. */
export function finished(child: ChildProcessWithoutNullStreams): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Resolves once `stream` has printed text matching `pattern` (rejects if the child exits first). */
export function waitForOutput(child: ChildProcessWithoutNullStreams, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (pattern.test(seen)) {
        child[stream].off('data', onData);
        child.off('close', onClose);
        resolve(seen);
      }
    };
    const onClose = (code: number | null) => reject(new Error(`the CLI exited (${code}) before printing ${pattern}; it printed: ${seen}`));
    child[stream].on('data', onData);
    child.on('close', onClose);
  });
}
