/**
 * An in-process Conduit API on an ephemeral port over its own database, with a real
 * `@trpc/client` pointed at it — the way every client talks to the server.
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';

import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import type { FastifyInstance } from 'fastify';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import superjson from 'superjson';

import { buildApp } from '../../src/app.ts';
import type { AppRouter } from '../../src/client.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createDatabase, type Database } from '../../src/db/database.ts';
import type { DB } from '../../src/db/schema.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { createMetrics, type AppMetrics } from '../../src/observability/metrics.ts';
import { createScaleOutDeps, type ScaleOutDeps } from '../../src/realtime/scale-out-deps.ts';
import { startJobRunner, type JobRunner } from '../../src/jobs/job-runner.ts';
import { createLoginThrottle } from '../../src/features/auth/login-throttle.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export interface TestServer {
  baseUrl: string;
  app: FastifyInstance;
  db: Database;
  config: Config;
  metrics: AppMetrics;
  database: TestDatabase;
  /** The event bus, stream hub, rate limits and replica handle the app was built with. */
  scaleOut: ScaleOutDeps;
  /** Every log line the server wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  /** The in-process job worker, when started with `{ jobs: true }`. */
  jobs: JobRunner | undefined;
  /** A batching tRPC client (like a browser app's). */
  api: ReturnType<typeof createApiClient>;
  close(): Promise<void>;
}

export function createApiClient(baseUrl: string, headers: Record<string, string> = {}) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${baseUrl}/trpc`, transformer: superjson, headers })],
  });
}

export function createUnbatchedApiClient(baseUrl: string, headers: Record<string, string> = {}) {
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${baseUrl}/trpc`, transformer: superjson, headers })] });
}

/**
 * @example
 * let server: TestServer;
 * beforeAll(async () => { server = await startTestServer(); });
 * afterAll(() => server.close());
 */
export interface TestServerOptions {
  /** Run the job worker in-process (emails are sent); off by default so other tests stay fast. */
  jobs?: boolean;
  /** With `jobs`: also run the worker's schedule (hourly pruning); off so no job appears mid-test. */
  schedule?: boolean;
  /**
   * Every SQL statement the app sends (text and parameters) is appended here, so tests can count
   * statements per request and EXPLAIN the exact SQL a procedure ran. The event bus keeps an
   * unrecorded handle; reads routed to the replica handle are recorded too.
   */
  recordStatements?: RecordedStatement[];
}

export interface RecordedStatement {
  sql: string;
  parameters: readonly unknown[];
}

export async function startTestServer(env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const mailboxDir = path.join(tmpdir(), `${database.name}-mailbox`);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: database.url,
    DEV_MAILBOX_DIR: mailboxDir,
    // Redis is shared with other runs; every server gets its own keys.
    LOGIN_THROTTLE_KEY_PREFIX: `conduit-test:${database.name}:login`,
    // Rate limits are off unless a test turns them on (suites register many accounts from one IP).
    RATE_LIMITS: 'off',
    ...env,
    JOBS_IN_PROCESS: options.jobs ? 'true' : 'false',
  });
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  const logger = createLogger(config, sink);
  const metrics = createMetrics();
  const { db: plainDb, pool } = createDatabase(config, database.url, logger, metrics);
  const recorded = options.recordStatements;
  const db: Database = recorded
    ? new Kysely<DB>({
        dialect: new PostgresDialect({ pool }),
        plugins: [new CamelCasePlugin()],
        log: (event) => {
          recorded.push({ sql: event.query.sql, parameters: event.query.parameters });
        },
      })
    : plainDb;
  const jobs = config.JOBS_IN_PROCESS
    ? await startJobRunner({ config, db, logger, connectionString: database.url, runsSchedule: options.schedule ?? false })
    : undefined;
  const loginThrottle = createLoginThrottle(config, logger);
  const scaleOut = await createScaleOutDeps(config, { db: plainDb, pool, connectionString: database.url }, logger);
  const app = await buildApp({ config, db, logger, metrics, jobs, loginThrottle, ...scaleOut, ...(recorded ? { readDb: db } : {}) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('server has no address');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    baseUrl,
    app,
    db,
    config,
    metrics,
    database,
    scaleOut,
    logs,
    jobs,
    api: createApiClient(baseUrl),
    async close() {
      scaleOut.stopStreams();
      await app.close();
      await scaleOut.close();
      await loginThrottle.close();
      // The recording handle shares this pool; ending it once is enough.
      await plainDb.destroy();
      await database.drop();
      await rm(mailboxDir, { recursive: true, force: true });
    },
  };
}

export interface MailingTestServer extends TestServer {
  /** The SMTP server the app's job worker delivers to. */
  sink: SmtpSink;
}

/**
 * A test server whose in-process job worker sends its emails to a real SMTP sink started for it.
 *
 * @example
 * const server = await startMailingTestServer();
 * const email = await server.sink.waitForMessage((message) => message.to.includes('ada@example.com'));
 */
export async function startMailingTestServer(env: Record<string, string> = {}): Promise<MailingTestServer> {
  const sink = await startSmtpSink();
  const server = await startTestServer({ SMTP_URL: sink.url, ...env }, { jobs: true });
  return {
    ...server,
    sink,
    async close() {
      await server.close();
      await sink.close();
    },
  };
}
