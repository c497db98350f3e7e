/**
 * Starts Conduit API as separate `node src/server.ts` processes on loopback ports, all on one
 * test database and one Redis (with a key prefix unique to the run), as N instances run in
 * production behind a balancer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

import { Redis } from 'ioredis';

import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const serverEntry = fileURLToPath(new URL('../../src/server.ts', import.meta.url));
export const redisUrl = 'redis://127.0.0.1:6379';

export interface Instance {
  name: string;
  port: number;
  baseUrl: string;
  process: ChildProcess;
  /** Every JSON log line the process wrote. */
  logs: Array<Record<string, unknown>>;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Cluster {
  database: TestDatabase;
  redisPrefix: string;
  instances: Instance[];
  start(name: string): Promise<Instance>;
  close(): Promise<void>;
}

/**
 * @example
 * const cluster = await startCluster(['a', 'b'], { RATE_LIMIT_READ: '5/60' });
 * const [a, b] = cluster.instances;
 */
export async function startCluster(names: string[], env: Record<string, string> = {}): Promise<Cluster> {
  const database = await createTestDatabase();
  const redisPrefix = `conduit-test:${randomBytes(6).toString('hex')}:`;
  const instances: Instance[] = [];

  async function start(name: string): Promise<Instance> {
    const child = spawn(process.execPath, [serverEntry], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: '0',
        DATABASE_URL: database.url,
        MIGRATE_ON_START: 'false',
        REDIS_URL: redisUrl,
        REDIS_KEY_PREFIX: redisPrefix,
        SHUTDOWN_TIMEOUT_MS: '5000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: Array<Record<string, unknown>> = [];
    const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
    const port = await new Promise<number>((resolve, reject) => {
      let buffered = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.trim()) continue;
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          const match = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(String(entry.msg));
          if (match?.[1]) resolve(Number(match[1]));
        }
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      void exited.then(({ code }) => reject(new Error(`instance ${name} exited (${code}) before listening: ${stderr}`)));
    });
    const instance = { name, port, baseUrl: `http://127.0.0.1:${port}`, process: child, logs, exited };
    instances.push(instance);
    return instance;
  }

  for (const name of names) await start(name);
  return {
    database,
    redisPrefix,
    instances,
    start,
    async close() {
      for (const instance of instances) {
        if (instance.process.exitCode === null && instance.process.signalCode === null) {
          instance.process.kill('SIGKILL');
          await instance.exited;
        }
      }
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${redisPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      await database.drop();
    },
  };
}
