/**
 * Conduit API as several processes on one PostgreSQL and one Redis, as in production: what one
 * instance does, every other instance sees.
 */
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { publishedArticleOutput } from '../../src/features/articles/articles.subscriptions.ts';
import type { addedCommentOutput } from '../../src/features/comments/comments.subscriptions.ts';
import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { collect, createSseClient, createWsClient } from '../helpers/stream-clients.ts';
import { startTcpBalancer, type TcpBalancer } from '../helpers/tcp-proxy.ts';
import { createApiClient } from '../helpers/test-server.ts';
import { startCluster, type Cluster, type Instance } from './instances.ts';

type PublishedArticle = z.output<typeof publishedArticleOutput>;
type AddedComment = z.output<typeof addedCommentOutput>;

let cluster: Cluster;
let a: Instance;
let b: Instance;
let c: Instance;
beforeAll(async () => {
  cluster = await startCluster(['a', 'b', 'c'], {
    // 127.0.0.1 stands in for the load balancer, so each test can be its own client IP.
    TRUSTED_PROXIES: '127.0.0.1',
    RATE_LIMIT_READ: '30/60',
    RATE_LIMIT_AUTH: '200/60',
  });
  [a, b, c] = cluster.instances as [Instance, Instance, Instance];
});
afterAll(() => cluster.close());

function accountOn(instance: Instance): Promise<TestAccount> {
  return registerAccount({ baseUrl: instance.baseUrl, api: createApiClient(instance.baseUrl) });
}

function publish(author: TestAccount, title: string) {
  return author.api.articles.create.mutate({ title, description: 'd', body: 'b', tagList: [] });
}

describe('N instances on one PostgreSQL and one Redis', () => {
  it('accepts a session created on A when the client calls B', async () => {
    const alice = await accountOn(a);
    const onB = createApiClient(b.baseUrl, { authorization: `Bearer ${alice.token}` });
    await expect(onB.auth.me.query()).resolves.toMatchObject({ id: alice.id });
  });

  it('delivers a comment added through B to subscribers on A over SSE and WebSocket', async () => {
    const author = await accountOn(b);
    const article = await publish(author, 'Discuss across instances');
    const sse = collect<AddedComment>((handlers) => createSseClient(a.baseUrl).comments.onAdded.subscribe({ slug: article.slug, lastEventId: '0' }, handlers));
    const ws = createWsClient(a.baseUrl);
    const overWs = collect<AddedComment>((handlers) => ws.client.comments.onAdded.subscribe({ slug: article.slug, lastEventId: '0' }, handlers));
    await Promise.all([sse.started, overWs.started]);
    const comment = await author.api.comments.add.mutate({ slug: article.slug, body: 'Hello from B' });
    await vi.waitFor(() => {
      expect(sse.items.map((item) => item.data.id)).toEqual([comment.id]);
      expect(overWs.items.map((item) => item.data.id)).toEqual([comment.id]);
    });
    sse.unsubscribe();
    overWs.unsubscribe();
    await ws.close();
  });

  it('notifies a user signed in on A of a follower who acted on C', async () => {
    const alice = await accountOn(a);
    const carol = await accountOn(c);
    const stream = collect((handlers) => createSseClient(a.baseUrl, alice.token).notifications.onEvent.subscribe({ lastEventId: '0' }, handlers));
    await stream.started;
    await carol.api.profiles.follow.mutate({ username: alice.username });
    await vi.waitFor(() => expect(stream.items).toHaveLength(1));
    expect(stream.items[0]?.data).toMatchObject({ kind: 'new-follower', actor: { username: carol.username } });
    stream.unsubscribe();
  });

  it('shares one rate limit between instances', async () => {
    const headers = { 'x-forwarded-for': '192.0.2.77' };
    const statuses: number[] = [];
    for (let call = 0; call < 31; call++) {
      const instance = cluster.instances[call % 3] as Instance;
      statuses.push((await fetch(`${instance.baseUrl}/trpc/health.ping`, { headers })).status);
    }
    expect(statuses.slice(0, 30).every((status) => status === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});

describe('losing an instance mid-stream', () => {
  let victim: Instance;
  let survivor: Instance;
  let balancer: TcpBalancer;
  let routeTo: Instance[];
  beforeAll(async () => {
    victim = await cluster.start('victim');
    survivor = c;
    routeTo = [victim];
    balancer = await startTcpBalancer(() => routeTo.map((instance) => instance.port));
  });
  afterAll(() => balancer.close());

  it('resumes an SSE and a WebSocket subscriber on another instance from their last event id, without loss or duplicates', async () => {
    const author = await accountOn(b);
    const sse = collect<PublishedArticle>((handlers) => createSseClient(balancer.url).articles.onPublished.subscribe({ lastEventId: '0' }, handlers));
    const ws = createWsClient(balancer.url);
    const overWs = collect<PublishedArticle>((handlers) => ws.client.articles.onPublished.subscribe({ lastEventId: '0' }, handlers));
    await Promise.all([sse.started, overWs.started]);

    const titles = Array.from({ length: 12 }, (_, index) => `Resume ${index}`);
    for (const title of titles.slice(0, 4)) await publish(author, title);
    await vi.waitFor(() => {
      expect(sse.items.filter((item) => item.data.title.startsWith('Resume'))).toHaveLength(4);
      expect(overWs.items.filter((item) => item.data.title.startsWith('Resume'))).toHaveLength(4);
    });

    // The balancer now sends new connections to the survivor; the victim dies without warning.
    routeTo = [survivor];
    victim.child.kill('SIGKILL');
    for (const title of titles.slice(4)) await publish(author, title);

    const resumed = (items: Array<{ id: string; data: PublishedArticle }>) => items.filter((item) => item.data.title.startsWith('Resume'));
    await vi.waitFor(
      () => {
        expect(resumed(sse.items).map((item) => item.data.title)).toEqual(titles);
        expect(resumed(overWs.items).map((item) => item.data.title)).toEqual(titles);
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(new Set(resumed(sse.items).map((item) => item.id)).size).toBe(titles.length);
    sse.unsubscribe();
    overWs.unsubscribe();
    await ws.close();
  });
});

describe('graceful shutdown', () => {
  it('closes open streams on SIGTERM and exits cleanly within SHUTDOWN_TIMEOUT_MS', async () => {
    const leaving = await cluster.start('leaving');
    const alice = await accountOn(leaving);
    const sse = collect((handlers) => createSseClient(leaving.baseUrl, alice.token).notifications.onEvent.subscribe(undefined, handlers));
    const ws = createWsClient(leaving.baseUrl, alice.token);
    const overWs = collect((handlers) => ws.client.notifications.onEvent.subscribe(undefined, handlers));
    await Promise.all([sse.started, overWs.started]);

    leaving.child.kill('SIGTERM');
    // close-with-grace exits 1 if shutdown outlasts SHUTDOWN_TIMEOUT_MS; 0 means it finished in time.
    await expect(leaving.exited).resolves.toEqual({ code: 0, signal: null });
    expect(leaving.logs).toContainEqual(expect.objectContaining({ msg: 'shutting down', signal: 'SIGTERM' }));
    sse.unsubscribe();
    overWs.unsubscribe();
    await ws.close();
  });
});
