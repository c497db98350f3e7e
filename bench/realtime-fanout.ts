/**
 * Real-time fan-out benchmark: two API processes (A, B) on one PostgreSQL (and Redis with
 * BENCH_TRANSPORT=redis); this process writes events the way a write path does (transaction +
 * announce after commit) and holds WebSocket subscribers to `articles.onPublished` on A and B.
 *
 * Measures (1) commit → subscriber latency p50/p99 across processes at a steady rate, and
 * (2) how many events per second one instance fans out to its subscribers at full speed.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_TRANSPORT=redis node bench/realtime-fanout.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import pg from 'pg';
import { pino } from 'pino';
import superjson from 'superjson';

import type { AppRouter } from '../src/client.ts';
import { loadConfig } from '../src/config.ts';
import { createDatabase } from '../src/db/database.ts';
import { migrateToLatest, openSchemaAgnosticDb } from '../src/db/migrator.ts';
import type { DomainEvent } from '../src/realtime/domain-events.ts';
import { createScaleOutDeps } from '../src/realtime/scale-out-deps.ts';
import { writeWithEvents } from '../src/realtime/write-with-events.ts';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const transport = process.env.BENCH_TRANSPORT === 'redis' ? 'redis' : 'postgres';
const subscribersPerInstance = Number(process.env.BENCH_SUBSCRIBERS ?? 100);
const latencyEvents = Number(process.env.BENCH_LATENCY_EVENTS ?? 500);
const throughputEvents = Number(process.env.BENCH_THROUGHPUT_EVENTS ?? 5_000);
const now = () => performance.timeOrigin + performance.now();

const databaseName = `conduit_bench_${randomBytes(4).toString('hex')}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${databaseName}` }).toString();
const redisPrefix = `conduit-bench:${randomBytes(4).toString('hex')}:`;

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(query).finally(() => client.end());
}

function startInstance(): Promise<{ process: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../src/server.ts', import.meta.url))], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      PORT: '0',
      DATABASE_URL: databaseUrl,
      MIGRATE_ON_START: 'false',
      RATE_LIMITS: 'off',
      SUBSCRIPTION_QUEUE_LIMIT: '100000',
      ...(transport === 'redis' && { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: redisPrefix }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const match = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(buffered);
      if (match?.[1]) resolve({ process: child, port: Number(match[1]) });
      buffered = buffered.slice(-500);
    });
    child.once('exit', (code) => reject(new Error(`instance exited ${code}`)));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  await admin(`CREATE DATABASE ${databaseName}`);
  const migrator = openSchemaAgnosticDb(databaseUrl);
  await migrateToLatest(migrator);
  await migrator.destroy();
  const instances = [await startInstance(), await startInstance()];
  const logger = pino({ level: 'warn' });
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    RATE_LIMITS: 'off',
    ...(transport === 'redis' && { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: redisPrefix }),
  });
  const { db, pool } = createDatabase(config, databaseUrl, logger);
  const writer = await createScaleOutDeps(config, { db, pool, connectionString: databaseUrl }, logger);

  // Subscribers: 10 subscriptions per WebSocket, half on A and half on B.
  const received = new Map<string, number[]>(); // event title → receipt times
  const clients: Array<ReturnType<typeof createWSClient>> = [];
  let started = 0;
  for (const instance of instances) {
    for (let index = 0; index < subscribersPerInstance; index++) {
      if (index % 10 === 0) clients.push(createWSClient({ url: `ws://127.0.0.1:${instance.port}/trpc` }));
      const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: clients.at(-1)!, transformer: superjson })] });
      client.articles.onPublished.subscribe(undefined, {
        onStarted: () => started++,
        onData: ({ data }) => {
          const times = received.get(data.title) ?? [];
          times.push(now());
          received.set(data.title, times);
        },
      });
    }
  }
  const totalSubscribers = subscribersPerInstance * instances.length;
  while (started < totalSubscribers) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, 500)); // let every stream register with its bus

  const event = (title: string): DomainEvent => ({
    type: 'article.published',
    articleId: '00000000-0000-4000-8000-000000000000',
    payload: {
      article: { slug: title, title, description: 'bench', tagList: [], createdAt: new Date().toISOString(), author: { username: 'bench', bio: '', image: null } },
      authorId: '00000000-0000-4000-8000-000000000000',
    },
  });

  // (1) Latency: one event per transaction, 100 per second.
  const committedAt = new Map<string, number>();
  for (let index = 0; index < latencyEvents; index++) {
    const title = `latency-${index}`;
    await writeWithEvents({ db, bus: { ...writer.bus, announce: async (ids) => { committedAt.set(title, now()); await writer.bus.announce(ids); } } }, (trx, emit) => emit(event(title)));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const deadline = Date.now() + 10_000;
  while ([...committedAt.keys()].some((title) => (received.get(title)?.length ?? 0) < totalSubscribers) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const latencies = [...committedAt].flatMap(([title, at]) => (received.get(title) ?? []).map((time) => time - at)).sort((x, y) => x - y);
  const lost = latencyEvents * totalSubscribers - latencies.length;

  // (2) Throughput: the writer must not be the bottleneck, so events are inserted 500 per
  // statement (what recordEvent does, in bulk) and announced after each commit.
  const throughputStart = now();
  const batch = 500;
  for (let first = 0; first < throughputEvents; first += batch) {
    const rows = Array.from({ length: Math.min(batch, throughputEvents - first) }, (_, offset) => {
      const { type, articleId, payload } = event(`burst-${first + offset}`);
      return { type, articleId, payload: JSON.stringify(payload) };
    });
    const ids = await db.transaction().execute((trx) => trx.insertInto('events').values(rows).returning('id').execute());
    await writer.bus.announce(ids.map((row) => String(row.id)));
  }
  const committedAll = now();
  const throughputDeadline = Date.now() + 60_000;
  const allBurstsDelivered = () => [...Array(throughputEvents).keys()].every((index) => (received.get(`burst-${index}`)?.length ?? 0) >= totalSubscribers);
  while (!allBurstsDelivered() && Date.now() < throughputDeadline) await new Promise((resolve) => setTimeout(resolve, 20));
  // Rate over what arrived (all of it, unless the 60 s deadline cut the run short).
  const burstReceipts = [...Array(throughputEvents).keys()].flatMap((index) => received.get(`burst-${index}`) ?? []);
  const lastReceipt = Math.max(...burstReceipts);
  const seconds = (lastReceipt - throughputStart) / 1000;
  const deliveriesPerInstance = burstReceipts.length / instances.length;

  console.log(JSON.stringify({
    transport,
    subscribers: { perInstance: subscribersPerInstance, instances: instances.length },
    latency: { events: latencyEvents, deliveries: latencies.length, lost, p50Ms: +percentile(latencies, 50).toFixed(2), p99Ms: +percentile(latencies, 99).toFixed(2), maxMs: +(latencies.at(-1) ?? NaN).toFixed(2) },
    throughput: {
      events: throughputEvents,
      writerEventsPerSecond: Math.round(throughputEvents / ((committedAll - throughputStart) / 1000)),
      eventsPerSecondFannedOutPerInstance: Math.round(deliveriesPerInstance / subscribersPerInstance / seconds),
      deliveriesPerSecondPerInstance: Math.round(deliveriesPerInstance / seconds),
      complete: allBurstsDelivered(),
    },
  }, null, 2));

  for (const client of clients) await client.close();
  for (const instance of instances) instance.process.kill('SIGTERM');
  await writer.close();
  await db.destroy();
  await admin(`DROP DATABASE ${databaseName} WITH (FORCE)`);
  process.exit(0);
}

await main();
