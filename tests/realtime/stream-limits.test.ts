import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { recordEvent } from '../../src/realtime/domain-events.ts';
import { registerAccount } from '../helpers/accounts.ts';
import { collect, createSseClient, createWsClient } from '../helpers/stream-clients.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { followedEvent } from './event-factory.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ SUBSCRIPTIONS_PER_CONNECTION: '2', SUBSCRIPTION_CONNECTIONS_PER_USER: '2', SUBSCRIPTION_QUEUE_LIMIT: '2' });
});
afterAll(() => server.close());

/** Five events committed together reach each subscriber in one synchronous burst. */
async function publishBurst(recipientId: string, count: number): Promise<string[]> {
  const ids = await server.db.transaction().execute(async (trx) => {
    const recorded: string[] = [];
    for (let index = 0; index < count; index++) recorded.push(await recordEvent(trx, followedEvent(recipientId, `burst${index}`)));
    return recorded;
  });
  await server.scaleOut.bus.announce(ids);
  return ids;
}

describe('stream limits', () => {
  it('refuses more subscriptions on one WebSocket than SUBSCRIPTIONS_PER_CONNECTION', async () => {
    const alice = await registerAccount(server);
    const { client, close } = createWsClient(server.baseUrl, alice.token);
    const streams = [1, 2, 3].map(() => collect((handlers) => client.notifications.onEvent.subscribe(undefined, handlers)));
    await vi.waitFor(() => expect(streams.flatMap((stream) => stream.errors)).toHaveLength(1));
    expect(streams.flatMap((stream) => stream.errors)[0]?.data).toMatchObject({ reason: 'TOO_MANY_SUBSCRIPTIONS', httpStatus: 429 });
    for (const stream of streams) stream.unsubscribe();
    await close();
  });

  it('refuses more streaming connections per user than SUBSCRIPTION_CONNECTIONS_PER_USER', async () => {
    const bob = await registerAccount(server);
    const before = server.scaleOut.subscriptions.activeStreams;
    const open = [1, 2].map(() => collect((handlers) => createSseClient(server.baseUrl, bob.token).notifications.onEvent.subscribe(undefined, handlers)));
    await vi.waitFor(() => expect(server.scaleOut.subscriptions.activeStreams).toBe(before + 2));
    const third = collect((handlers) => createSseClient(server.baseUrl, bob.token).notifications.onEvent.subscribe(undefined, handlers));
    await vi.waitFor(() => expect(third.errors).toHaveLength(1));
    expect(third.errors[0]?.data).toMatchObject({ reason: 'TOO_MANY_SUBSCRIPTIONS' });
    for (const stream of open) stream.unsubscribe();
  });

  it('counts two WebSockets that send the same x-request-id as two connections', async () => {
    const erin = await registerAccount(server);
    const before = server.scaleOut.subscriptions.activeStreams;
    const sockets = [1, 2].map(() => createWsClient(server.baseUrl, erin.token, { 'x-request-id': `shared-${erin.id}` }));
    const streams = sockets.flatMap(({ client }) => [1, 2].map(() => collect((handlers) => client.notifications.onEvent.subscribe(undefined, handlers))));
    await vi.waitFor(() => expect(server.scaleOut.subscriptions.activeStreams).toBe(before + 4));
    expect(streams.flatMap((stream) => stream.errors)).toEqual([]);
    for (const stream of streams) stream.unsubscribe();
    await Promise.all(sockets.map((socket) => socket.close()));
  });

  it('counts each SSE stream as its own connection, whatever x-request-id it sends', async () => {
    const frank = await registerAccount(server);
    const before = server.scaleOut.subscriptions.activeStreams;
    const subscribe = (requestId: string) =>
      collect((handlers) => createSseClient(server.baseUrl, frank.token, { 'x-request-id': requestId }).notifications.onEvent.subscribe(undefined, handlers));
    const open = [subscribe(`same-${frank.id}`), subscribe(`same-${frank.id}`)];
    await vi.waitFor(() => expect(server.scaleOut.subscriptions.activeStreams).toBe(before + 2));
    const third = subscribe(`other-${frank.id}`);
    await vi.waitFor(() => expect(third.errors).toHaveLength(1));
    expect(third.errors[0]?.data).toMatchObject({ reason: 'TOO_MANY_SUBSCRIPTIONS' });
    for (const stream of open) stream.unsubscribe();
  });

  it('cuts off a subscriber whose queue overflows instead of buffering without bound', async () => {
    const carol = await registerAccount(server);
    const { client, close } = createWsClient(server.baseUrl, carol.token);
    const stream = collect((handlers) => client.notifications.onEvent.subscribe({ lastEventId: '0' }, handlers));
    await stream.started;
    await vi.waitFor(() => expect(server.scaleOut.subscriptions.activeStreams).toBeGreaterThan(0));
    await publishBurst(carol.id, 5);
    await vi.waitFor(() => expect(stream.errors).toHaveLength(1));
    expect(stream.errors[0]?.data).toMatchObject({ reason: 'SUBSCRIBER_TOO_SLOW', httpStatus: 503 });
    await close();
  });

  it('lets a cut-off SSE client reconnect and receive every event exactly once', async () => {
    const dave = await registerAccount(server);
    const stream = collect((handlers) => createSseClient(server.baseUrl, dave.token).notifications.onEvent.subscribe({ lastEventId: '0' }, handlers));
    await stream.started;
    const ids = await publishBurst(dave.id, 5);
    await vi.waitFor(() => expect(stream.items.map((item) => item.id)).toEqual(ids), { timeout: 10_000 });
    stream.unsubscribe();
  });
});
