import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { recordEvent } from '../../src/realtime/domain-events.ts';
import { registerAccount } from '../helpers/accounts.ts';
import { collect, createSseClient, createWsClient } from '../helpers/stream-clients.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { followedEvent, publishEvent } from './event-factory.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ SUBSCRIPTION_SESSION_RECHECK_MS: '200' });
});
afterAll(() => server.close());

describe('notifications.onEvent', () => {
  it('delivers a notification for the signed-in user over SSE, with its event id', async () => {
    const alice = await registerAccount(server);
    const stream = collect((handlers) => createSseClient(server.baseUrl, alice.token).notifications.onEvent.subscribe({ lastEventId: '0' }, handlers));
    await stream.started;
    const id = await publishEvent(server, followedEvent(alice.id, 'bob'));
    await vi.waitFor(() => expect(stream.items).toHaveLength(1));
    expect(stream.items[0]).toEqual({ id, data: { kind: 'new-follower', actor: { username: 'bob', bio: '', image: null }, at: expect.any(Date) } });
    stream.unsubscribe();
  });

  it('delivers the same notification over WebSocket', async () => {
    const alice = await registerAccount(server);
    const { client, close } = createWsClient(server.baseUrl, alice.token);
    const stream = collect((handlers) => client.notifications.onEvent.subscribe({ lastEventId: '0' }, handlers));
    await stream.started;
    const id = await publishEvent(server, followedEvent(alice.id, 'carol'));
    await vi.waitFor(() => expect(stream.items.map((item) => item.id)).toEqual([id]));
    stream.unsubscribe();
    await close();
  });

  it('never delivers another user’s notifications', async () => {
    const alice = await registerAccount(server);
    const mallory = await registerAccount(server);
    const stream = collect((handlers) => createSseClient(server.baseUrl, mallory.token).notifications.onEvent.subscribe({ lastEventId: '0' }, handlers));
    await stream.started;
    await publishEvent(server, followedEvent(alice.id, 'dave'));
    const own = await publishEvent(server, followedEvent(mallory.id, 'erin'));
    await vi.waitFor(() => expect(stream.items.map((item) => item.id)).toContain(own));
    expect(stream.items.map((item) => item.id)).toEqual([own]);
    stream.unsubscribe();
  });

  it('refuses an anonymous subscriber', async () => {
    const stream = collect((handlers) => createSseClient(server.baseUrl).notifications.onEvent.subscribe(undefined, handlers));
    await vi.waitFor(() => expect(stream.errors).toHaveLength(1));
    expect(stream.errors[0]?.data).toMatchObject({ reason: 'UNAUTHENTICATED' });
  });

  it('replays what a client missed after its last event id, without duplicates', async () => {
    const alice = await registerAccount(server);
    const first = await publishEvent(server, followedEvent(alice.id, 'f1'));
    const second = await publishEvent(server, followedEvent(alice.id, 'f2'));
    const third = await publishEvent(server, followedEvent(alice.id, 'f3'));
    const stream = collect((handlers) => createSseClient(server.baseUrl, alice.token).notifications.onEvent.subscribe({ lastEventId: first }, handlers));
    await vi.waitFor(() => expect(stream.items.map((item) => item.id)).toEqual([second, third]));
    const fourth = await publishEvent(server, followedEvent(alice.id, 'f4'));
    await vi.waitFor(() => expect(stream.items.map((item) => item.id)).toEqual([second, third, fourth]));
    stream.unsubscribe();
  });

  it('never emits an event for a rolled-back change', async () => {
    const alice = await registerAccount(server);
    const stream = collect((handlers) => createSseClient(server.baseUrl, alice.token).notifications.onEvent.subscribe({ lastEventId: '0' }, handlers));
    await stream.started;
    await expect(
      server.db.transaction().execute(async (trx) => {
        await recordEvent(trx, followedEvent(alice.id, 'ghost'));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const committed = await publishEvent(server, followedEvent(alice.id, 'real'));
    await vi.waitFor(() => expect(stream.items.map((item) => item.id)).toContain(committed));
    expect(stream.items.map((item) => item.data)).toEqual([expect.objectContaining({ actor: expect.objectContaining({ username: 'real' }) })]);
    stream.unsubscribe();
  });

  it('ends the stream when its session is revoked', async () => {
    const alice = await registerAccount(server);
    const stream = collect((handlers) => createSseClient(server.baseUrl, alice.token).notifications.onEvent.subscribe(undefined, handlers));
    await stream.started;
    await alice.api.auth.logout.mutate();
    await vi.waitFor(() => expect(stream.errors).toHaveLength(1), { timeout: 5_000 });
    expect(stream.errors[0]?.data).toMatchObject({ reason: 'SESSION_EXPIRED' });
  });

  it('ends the stream when its access token is revoked', async () => {
    const alice = await registerAccount(server);
    const pat = await alice.api.auth.tokens.create.mutate({ name: 'stream', scopes: ['read'] });
    const stream = collect((handlers) => createSseClient(server.baseUrl, pat.token).notifications.onEvent.subscribe(undefined, handlers));
    await stream.started;
    await alice.api.auth.tokens.revoke.mutate({ id: pat.id });
    await vi.waitFor(() => expect(stream.errors).toHaveLength(1), { timeout: 5_000 });
    expect(stream.errors[0]?.data).toMatchObject({ reason: 'SESSION_EXPIRED' });
  });
});
