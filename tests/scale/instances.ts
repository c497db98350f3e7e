/**
 * Starts Conduit API as separate `node src/server.ts` processes on loopback ports, all on one
 * test database and one Redis (with a key prefix unique to the run), as N instances run in
 * production behind a balancer.
 */
import { randomBytes } from 'node:crypto';

import { Redis } from 'ioredis';

import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

export const redisUrl = 'redis://127.0.0.1:6379';

export interface Instance extends ServerProcess {
  name: string;
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
    const server = await startServerProcess({
      DATABASE_URL: database.url,
      MIGRATE_ON_START: 'false',
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: redisPrefix,
      SHUTDOWN_TIMEOUT_MS: '5000',
      // As in production: the scale-out tests prove the limits are shared across instances.
      RATE_LIMITS: 'on',
      ...env,
    });
    const instance = { name, ...server };
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
        if (instance.child.exitCode === null && instance.child.signalCode === null) {
          instance.child.kill('SIGKILL');
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
