/** Runs the job worker as its own process (`src/jobs/worker-cli.ts`, what `npm run worker` starts). */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** Every line the process wrote to stdout. */
  output: string[];
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/**
 * Starts a worker process and resolves once it is ready. `viaNpm` runs `npm run worker` in its
 * own process group (so a signal reaches npm's child too).
 *
 * @example const worker = await startWorkerProcess({ DATABASE_URL: url, SMTP_URL: sink.url });
 */
export async function startWorkerProcess(env: Record<string, string>, { viaNpm = false } = {}): Promise<WorkerProcess> {
  const childEnv = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', JOBS_POLL_INTERVAL_MS: '200', ...env };
  const child = viaNpm
    ? spawn('npm', ['run', '--silent', 'worker'], { cwd: repositoryRoot, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, ['src/jobs/worker-cli.ts'], { cwd: repositoryRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready in time:\n${output.join('\n')}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        output.push(line);
        if (line.includes('job worker ready')) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before it was ready:\n${output.join('\n')}`));
    });
  });
  await ready;
  return { child, output, exited };
}

/** Sends `signal` to the worker (its whole process group when started via npm). */
export function signalWorker(worker: WorkerProcess, signal: NodeJS.Signals, { viaNpm = false } = {}): void {
  const pid = worker.child.pid;
  if (pid === undefined) throw new Error('worker has no pid');
  process.kill(viaNpm ? -pid : pid, signal);
}
