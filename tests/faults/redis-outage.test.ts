/**
 * Redis unavailable, then back, under two server processes sharing it through a TCP proxy the
 * test cuts (the shared Redis other test runs use is never touched). While Redis is away reads
 * are served without a limit (fail open), sign-in and writes are limited per instance, and
 * events still reach subscribers on every instance through the bus's catch-up sweep (late, not
 * lost). When it returns, counting and pub/sub fan-out go back to Redis by themselves.
 */
import { randomBytes } from 'node:crypto';

import { Redis } from 'ioredis';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { addedCommentOutput } from '../../src/features/comments/comments.subscriptions.ts';
import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { collect, createSseClient, type Collected } from '../helpers/stream-clients.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { createApiClient } from '../helpers/test-server.ts';
import { eventually } from '../helpers/polling.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

type AddedComment = z.output<typeof addedCommentOutput>;

const redisPort = 6379;
const runId = randomBytes(6).toString('hex');
const prefix = `conduit-fault-${runId}:`;
let database: TestDatabase;
let proxy: TcpProxy;
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  database = await createTestDatabase();
  proxy = await startTcpProxy(redisPort);
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: proxy.url,
    REDIS_KEY_PREFIX: prefix,
    RATE_LIMITS: 'on',
    // Each probe below is its own client IP (X-Forwarded-For from the loopback "balancer").
    TRUSTED_PROXIES: '127.0.0.1',
    RATE_LIMIT_READ: '4/60',
    RATE_LIMIT_AUTH: '3/60',
  };
  [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await proxy?.close();
  const redis = new Redis(redisPort, '127.0.0.1');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await database?.drop();
}, 60_000);

function ping(server: ServerProcess, ip: string) {
  return fetch(`${server.baseUrl}/trpc/health.ping`, { headers: { 'x-forwarded-for': ip } });
}

function failedLogin(server: ServerProcess, ip: string) {
  return fetch(`${server.baseUrl}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ json: { login: `nobody-${runId}`, password: 'wrong-password-1' } }),
  });
}

function redisBackOn(server: ServerProcess, since: number) {
  const purposes = new Set(server.logs.slice(since).filter((line) => line.msg === 'redis reachable again').map((line) => line.purpose));
  return ['rate-limits', 'events-publish', 'events-subscribe'].every((purpose) => purposes.has(purpose)) ? true : undefined;
}

function ids(stream: Collected<AddedComment>) {
  return stream.items.map((item) => item.data.id);
}

describe('Redis unavailable, then back', () => {
  it('keeps serving, limits per instance, delivers events late via the sweep, and recovers', async () => {
    const author: TestAccount = await registerAccount({ baseUrl: a.baseUrl, api: createApiClient(a.baseUrl) });
    const article = await author.api.articles.create.mutate({ title: 'Through a Redis outage', description: 'd', body: 'b', tagList: [] });
    const onA = collect<AddedComment>((handlers) => createSseClient(a.baseUrl).comments.onAdded.subscribe({ slug: article.slug, lastEventId: '0' }, handlers));
    const onB = collect<AddedComment>((handlers) => createSseClient(b.baseUrl).comments.onAdded.subscribe({ slug: article.slug, lastEventId: '0' }, handlers));
    await Promise.all([onA.started, onB.started]);

    // Before: one read budget in Redis, shared by both instances.
    const readerIp = '10.10.0.1';
    const before = [];
    for (const server of [a, b, a, b, a]) before.push((await ping(server, readerIp)).status);
    expect(before).toEqual([200, 200, 200, 200, 429]);

    const logMarks = [a.logs.length, b.logs.length] as const;
    await proxy.cut();
    const cutAt = performance.now();
    let outageErrors = 0;
    let outageRequests = 0;
    const count = (status: number) => {
      outageRequests++;
      if (status >= 400) outageErrors++;
      return status;
    };
    const outageComments: number[] = [];
    const step = (what: string) => console.info(`[redis-outage] +${Math.round(performance.now() - cutAt)} ms ${what}`);
    try {
      // Reads fail open: the exhausted Redis budget does not apply, and nothing else limits them.
      for (let call = 0; call < 8; call++) expect(count((await ping(call % 2 ? b : a, readerIp)).status)).toBe(200);
      step('reads done');
      // Writes go on, limited per instance in memory (120/60 by default: far from reached here).
      for (let call = 0; call < 3; call++) {
        const comment = await author.api.comments.add.mutate({ slug: article.slug, body: `during outage ${call}` });
        count(200);
        outageComments.push(comment.id);
      }
      step('writes done');
      // Sign-in is limited per instance in memory: 3 attempts, then RATE_LIMITED on that instance.
      const logins = [];
      for (let call = 0; call < 4; call++) logins.push((await failedLogin(a, '10.10.0.2')).status);
      expect(logins).toEqual([401, 401, 401, 429]);
      step('sign-in probes done');
      // Events whose announcement failed reach subscribers on both instances through the sweep.
      await eventually(() => (ids(onA).length === 3 && ids(onB).length === 3 ? true : undefined), 20_000, 'outage comments on A and B');
      expect(ids(onA)).toEqual(outageComments);
      expect(ids(onB)).toEqual(outageComments);
      const sweptAfterMs = Math.round(performance.now() - cutAt);
      expect(a.logs.slice(logMarks[0]).some((line) => line.msg === 'event announcement failed; the sweep will deliver it')).toBe(true);
      console.info(`[redis-outage] during outage: ${outageErrors} errors of ${outageRequests} reads/writes; events delivered by the sweep ${sweptAfterMs} ms after the cut`);
    } finally {
      await proxy.restore();
    }
    const restoredAt = performance.now();

    // Every Redis connection of both instances is back (rate limits, publish, subscribe).
    await eventually(() => (redisBackOn(a, logMarks[0]) && redisBackOn(b, logMarks[1]) ? true : undefined), 15_000, 'Redis reconnections');
    const reconnectMs = Math.round(performance.now() - restoredAt);
    // Counting is back in Redis: the shared read budget spent before the outage applies again.
    await eventually(async () => ((await ping(b, readerIp)).status === 429 ? true : undefined), 10_000, 'the Redis read limit');
    const limitsBackMs = Math.round(performance.now() - restoredAt);

    // Fan-out through Redis again: announced without failure, delivered on the other instance.
    const failuresBefore = a.logs.filter((line) => line.msg === 'event announcement failed; the sweep will deliver it').length;
    const sentAt = performance.now();
    const after = await author.api.comments.add.mutate({ slug: article.slug, body: 'after recovery' });
    await eventually(() => (ids(onA).includes(after.id) && ids(onB).includes(after.id) ? true : undefined), 20_000, 'the post-recovery comment on A and B');
    const fanOutMs = Math.round(performance.now() - sentAt);
    expect(a.logs.filter((line) => line.msg === 'event announcement failed; the sweep will deliver it').length).toBe(failuresBefore);
    expect(ids(onA)).toEqual([...outageComments, after.id]);
    expect(ids(onB)).toEqual([...outageComments, after.id]);
    console.info(
      `[redis-outage] recovery: Redis connections back ${reconnectMs} ms after restore, shared limits ${limitsBackMs} ms, post-recovery event on the other instance in ${fanOutMs} ms`,
    );
    onA.unsubscribe();
    onB.unsubscribe();
  }, 90_000);
});
