/**
 * API4:2023 Unrestricted Resource Consumption (ASVS 12.1.1, 13.1.x): every size and count limit
 * answers 4xx when exceeded, and a burst of oversized requests leaves memory bounded.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { collect, createSseClient, createWsClient } from '../helpers/stream-clients.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { rawMutation, refusal } from './security-helpers.ts';

let server: TestServer;
let alice: TestAccount;

beforeAll(async () => {
  server = await startTestServer({ SUBSCRIPTIONS_PER_CONNECTION: '3', SUBSCRIPTION_CONNECTIONS_PER_USER: '2' });
  alice = await registerAccount(server);
});
afterAll(() => server.close());

describe('API4:2023 Unrestricted Resource Consumption', () => {
  it('ASVS 12.1.1 — a body over BODY_LIMIT_BYTES answers 413', async () => {
    const body = 'x'.repeat(server.config.BODY_LIMIT_BYTES + 1);
    const response = await rawMutation(server.baseUrl, 'comments.add', { slug: 'x', body }, { authorization: `Bearer ${alice.token}` });
    expect(response.status).toBe(413);
    const rest = await fetch(`${server.baseUrl}/api/articles`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Token ${alice.token}` }, body: JSON.stringify({ article: { body } }) });
    expect(rest.status).toBe(413);
  });

  it('API4:2023 — a tRPC batch over TRPC_MAX_BATCH_SIZE answers 400', async () => {
    const size = server.config.TRPC_MAX_BATCH_SIZE + 1;
    const paths = Array.from({ length: size }, () => 'health.ping').join(',');
    const input = Object.fromEntries(Array.from({ length: size }, (_, index) => [index, { json: {} }]));
    const response = await fetch(`${server.baseUrl}/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`);
    expect(response.status).toBe(400);
  });

  it('API4:2023 — page sizes are capped (limit > 100 → 400)', async () => {
    expect(await refusal(server.api.articles.list.query({ limit: 101 }))).toMatchObject({ httpStatus: 400, reason: 'VALIDATION_ERROR' });
    expect(await refusal(alice.api.articles.feed.query({ limit: 10_000 }))).toMatchObject({ httpStatus: 400 });
    expect(await refusal(server.api.tags.popular.query({ limit: 1_000 }))).toMatchObject({ httpStatus: 400 });
    const rest = await fetch(`${server.baseUrl}/api/articles?limit=100000`);
    expect(rest.status).toBe(422);
  });

  it('API4:2023 — string lengths and tag counts are capped with the field path', async () => {
    const base = { title: 't', description: 'd', body: 'b', tagList: [] as string[] };
    expect(await refusal(alice.api.articles.create.mutate({ ...base, title: 'x'.repeat(201) }))).toMatchObject({ httpStatus: 400, issues: [expect.objectContaining({ path: 'title' })] });
    expect(await refusal(alice.api.articles.create.mutate({ ...base, body: 'x'.repeat(100_001) }))).toMatchObject({ httpStatus: 400 });
    expect(await refusal(alice.api.articles.create.mutate({ ...base, tagList: Array.from({ length: 11 }, (_, i) => `tag${i}`) }))).toMatchObject({ httpStatus: 400 });
    expect(await refusal(alice.api.articles.create.mutate({ ...base, tagList: ['x'.repeat(33)] }))).toMatchObject({ httpStatus: 400 });
    expect(await refusal(alice.api.comments.add.mutate({ slug: 'x', body: 'x'.repeat(10_001) }))).toMatchObject({ httpStatus: 400 });
  });

  it('API4:2023 — subscriptions per connection are capped (429 TOO_MANY_SUBSCRIPTIONS)', async () => {
    const { client, close } = createWsClient(server.baseUrl, alice.token);
    const streams = [1, 2, 3, 4].map(() => collect((handlers) => client.notifications.onEvent.subscribe(undefined, handlers)));
    await vi.waitFor(() => expect(streams.flatMap((stream) => stream.errors)).toHaveLength(1));
    expect(streams.flatMap((stream) => stream.errors)[0]?.data).toMatchObject({ reason: 'TOO_MANY_SUBSCRIPTIONS', httpStatus: 429 });
    for (const stream of streams) stream.unsubscribe();
    await close();
  });

  it('API4:2023 — streaming connections per user are capped across SSE and WebSocket (429 TOO_MANY_SUBSCRIPTIONS)', async () => {
    const bob = await registerAccount(server);
    const before = server.scaleOut.subscriptions.activeStreams;
    const ws = createWsClient(server.baseUrl, bob.token);
    const open = [
      collect((handlers) => ws.client.notifications.onEvent.subscribe(undefined, handlers)),
      collect((handlers) => createSseClient(server.baseUrl, bob.token).notifications.onEvent.subscribe(undefined, handlers)),
    ];
    await vi.waitFor(() => expect(server.scaleOut.subscriptions.activeStreams).toBe(before + 2));
    const third = collect((handlers) => createSseClient(server.baseUrl, bob.token).notifications.onEvent.subscribe(undefined, handlers));
    await vi.waitFor(() => expect(third.errors).toHaveLength(1));
    expect(third.errors[0]?.data).toMatchObject({ reason: 'TOO_MANY_SUBSCRIPTIONS', httpStatus: 429 });
    // Another user is not affected by bob's connections.
    const carol = collect((handlers) => createSseClient(server.baseUrl, alice.token).notifications.onEvent.subscribe(undefined, handlers));
    await carol.started;
    expect(open.flatMap((stream) => stream.errors)).toEqual([]);
    for (const stream of [...open, third, carol]) stream.unsubscribe();
    await ws.close();
  });

  it('API4:2023 — a URL over Node\'s 16 KiB header limit answers 431 HEADERS_TOO_LARGE in the error contract of its surface', async () => {
    const long = 'x'.repeat(20_000);
    expect(await refusal(server.api.articles.list.query({ tag: long }))).toMatchObject({ httpStatus: 431, reason: 'HEADERS_TOO_LARGE' });
    const rest = await fetch(`${server.baseUrl}/api/articles?tag=${long}`);
    expect(rest.status).toBe(431);
    expect(rest.headers.get('x-error-reason')).toBe('HEADERS_TOO_LARGE');
    expect(await rest.json()).toEqual({ errors: { headers_too_large: [expect.any(String)] } });
    const other = await fetch(`${server.baseUrl}/healthz`, { headers: { 'x-padding': long } });
    expect(other.status).toBe(431);
    expect(await other.json()).toMatchObject({ error: { reason: 'HEADERS_TOO_LARGE', httpStatus: 431, requestId: other.headers.get('x-request-id') } });
    // The server is unharmed: the next request on a new connection is served.
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
  });

  it('API4:2023 — 200 oversized requests leave server memory bounded (coarse RSS bound: +256 MiB)', async () => {
    const before = process.memoryUsage().rss;
    const body = 'x'.repeat(server.config.BODY_LIMIT_BYTES * 2);
    for (let round = 0; round < 20; round += 1) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => rawMutation(server.baseUrl, 'comments.add', { slug: 'x', body }, { authorization: `Bearer ${alice.token}` })));
      for (const answer of answers) expect(answer.status).toBe(413);
    }
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  });
});
