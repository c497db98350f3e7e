/**
 * Streams stay open for as long as their clients listen. They must not hold the in-flight slots
 * that bound ordinary requests' queueing (OVERLOAD_MAX_IN_FLIGHT) — they have caps of their own,
 * among them SUBSCRIPTION_CONNECTIONS_PER_IP for anonymous streams.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { registerAccount } from '../helpers/accounts.ts';
import { collect, createSseClient, createWsClient } from '../helpers/stream-clients.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ OVERLOAD_MAX_IN_FLIGHT: '2', SUBSCRIPTION_CONNECTIONS_PER_IP: '3' });
});
afterAll(() => server.close());

const activeStreams = () => server.scaleOut.subscriptions.activeStreams;
const anonymousSseStream = () => collect((handlers) => createSseClient(server.baseUrl).articles.onPublished.subscribe(undefined, handlers));

describe('stream capacity', () => {
  it('serves ordinary requests while more streams than OVERLOAD_MAX_IN_FLIGHT are open', async () => {
    const alice = await registerAccount(server);
    const before = activeStreams();
    // Three SSE streams and two WebSockets: either kind alone is more than the cap of 2.
    const sse = [anonymousSseStream(), anonymousSseStream(), collect((handlers) => createSseClient(server.baseUrl, alice.token).notifications.onEvent.subscribe(undefined, handlers))];
    const sockets = [createWsClient(server.baseUrl, alice.token), createWsClient(server.baseUrl, alice.token)];
    const overSockets = sockets.map(({ client }) => collect((handlers) => client.notifications.onEvent.subscribe(undefined, handlers)));
    await vi.waitFor(() => expect(activeStreams()).toBe(before + 5));
    await expect(server.api.health.ping.query({ echo: 'still served' })).resolves.toMatchObject({ echo: 'still served' });
    for (const stream of [...sse, ...overSockets]) stream.unsubscribe();
    await Promise.all(sockets.map((socket) => socket.close()));
    await vi.waitFor(() => expect(activeStreams()).toBe(before));
  });

  it('refuses an anonymous stream beyond SUBSCRIPTION_CONNECTIONS_PER_IP with 429, counting a WebSocket once', async () => {
    const before = activeStreams();
    const socket = createWsClient(server.baseUrl);
    const open = [
      collect((handlers) => socket.client.articles.onPublished.subscribe(undefined, handlers)),
      collect((handlers) => socket.client.comments.onAdded.subscribe({ slug: 'no-such-article' }, handlers)),
      anonymousSseStream(),
      anonymousSseStream(),
    ];
    // The comments stream ends at once (no such article); the other three stay open.
    await vi.waitFor(() => expect(activeStreams()).toBe(before + 3));
    const beyond = anonymousSseStream();
    await vi.waitFor(() => expect(beyond.errors).toHaveLength(1));
    expect(beyond.errors[0]?.data).toMatchObject({ reason: 'TOO_MANY_SUBSCRIPTIONS', httpStatus: 429 });
    // Signed-in streams from the same IP are counted per user instead.
    const bob = await registerAccount(server);
    const signedIn = collect((handlers) => createSseClient(server.baseUrl, bob.token).notifications.onEvent.subscribe(undefined, handlers));
    await vi.waitFor(() => expect(activeStreams()).toBe(before + 4));
    for (const stream of [...open, signedIn]) stream.unsubscribe();
    await socket.close();
  });
});
