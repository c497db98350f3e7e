import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { z } from 'zod';

import type { publishedArticleOutput } from '../../src/features/articles/articles.subscriptions.ts';
import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { collect, createSseClient, createWsClient } from '../helpers/stream-clients.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

type PublishedArticle = z.output<typeof publishedArticleOutput>;

function publish(author: TestAccount, title: string) {
  return author.api.articles.create.mutate({ title, description: 'd', body: 'b', tagList: ['live'] });
}

describe('articles.onPublished', () => {
  it('streams every newly published article to anyone', async () => {
    const alice = await registerAccount(server);
    const stream = collect<PublishedArticle>((handlers) => createSseClient(server.baseUrl).articles.onPublished.subscribe({ lastEventId: '0' }, handlers));
    await stream.started;
    await publish(alice, 'Live one');
    await vi.waitFor(() => expect(stream.items.map((item) => item.data.title)).toContain('Live one'));
    expect(stream.items.find((item) => item.data.title === 'Live one')?.data).toEqual({
      slug: 'live-one',
      title: 'Live one',
      description: 'd',
      tagList: ['live'],
      createdAt: expect.any(Date),
      author: { username: alice.username, bio: '', image: null },
    });
    stream.unsubscribe();
  });

  it('with feedOnly, streams only articles by authors the viewer follows', async () => {
    const [viewer, followed, stranger] = [await registerAccount(server), await registerAccount(server), await registerAccount(server)];
    await viewer.api.profiles.follow.mutate({ username: followed.username });
    const { client, close } = createWsClient(server.baseUrl, viewer.token);
    const stream = collect<PublishedArticle>((handlers) => client.articles.onPublished.subscribe({ feedOnly: true, lastEventId: '0' }, handlers));
    await stream.started;
    await publish(stranger, 'Not in my feed');
    await publish(followed, 'In my feed');
    await vi.waitFor(() => expect(stream.items.map((item) => item.data.title)).toContain('In my feed'));
    expect(stream.items.map((item) => item.data.title)).toEqual(['In my feed']);
    stream.unsubscribe();
    await close();
  });

  it('refuses feedOnly to an anonymous subscriber', async () => {
    const stream = collect((handlers) => createSseClient(server.baseUrl).articles.onPublished.subscribe({ feedOnly: true }, handlers));
    await vi.waitFor(() => expect(stream.errors).toHaveLength(1));
    expect(stream.errors[0]?.data).toMatchObject({ reason: 'UNAUTHENTICATED' });
  });
});

describe('notifications from domain writes', () => {
  it('notifies a user of a new follower once, not on a repeated follow', async () => {
    const [alice, bob] = [await registerAccount(server), await registerAccount(server)];
    const stream = collect((handlers) => createSseClient(server.baseUrl, alice.token).notifications.onEvent.subscribe({ lastEventId: '0' }, handlers));
    await stream.started;
    await bob.api.profiles.follow.mutate({ username: alice.username });
    await bob.api.profiles.follow.mutate({ username: alice.username });
    const article = await publish(alice, 'Favorite me');
    await bob.api.articles.favorite.mutate({ slug: article.slug });
    await vi.waitFor(() => expect(stream.items).toHaveLength(2));
    expect(stream.items.map((item) => item.data)).toEqual([
      { kind: 'new-follower', actor: { username: bob.username, bio: '', image: null }, at: expect.any(Date) },
      { kind: 'article-favorited', actor: { username: bob.username, bio: '', image: null }, article: { slug: article.slug, title: 'Favorite me' }, at: expect.any(Date) },
    ]);
    stream.unsubscribe();
  });
});

describe('comments.onAdded', () => {
  it('streams comments on one article, and notifies the article’s author', async () => {
    const [author, reader] = [await registerAccount(server), await registerAccount(server)];
    const article = await publish(author, 'Talk about it');
    const other = await publish(author, 'Elsewhere');
    const stream = collect((handlers) => createSseClient(server.baseUrl).comments.onAdded.subscribe({ slug: article.slug, lastEventId: '0' }, handlers));
    const notifications = collect((handlers) => createSseClient(server.baseUrl, author.token).notifications.onEvent.subscribe({ lastEventId: '0' }, handlers));
    await Promise.all([stream.started, notifications.started]);
    await reader.api.comments.add.mutate({ slug: other.slug, body: 'not here' });
    const added = await reader.api.comments.add.mutate({ slug: article.slug, body: 'First!' });
    await vi.waitFor(() => expect(stream.items).toHaveLength(1));
    expect(stream.items[0]?.data).toEqual({
      id: added.id,
      body: 'First!',
      createdAt: added.createdAt,
      updatedAt: added.updatedAt,
      author: { username: reader.username, bio: '', image: null },
    });
    await vi.waitFor(() => expect(notifications.items).toHaveLength(2));
    expect(notifications.items.map((item) => item.data)).toContainEqual(expect.objectContaining({ kind: 'comment-on-article', body: 'First!' }));
    stream.unsubscribe();
    notifications.unsubscribe();
  });

  it('does not replay a removed comment, on the article’s stream or in notifications', async () => {
    const [author, reader, moderator] = [await registerAccount(server), await registerAccount(server), await registerAccount(server)];
    await server.db.updateTable('users').set({ role: 'moderator' }).where('id', '=', moderator.id).execute();
    const article = await publish(author, 'Moderated talk');
    const spam = await reader.api.comments.add.mutate({ slug: article.slug, body: 'Buy now' });
    await reader.api.comments.add.mutate({ slug: article.slug, body: 'Kept' });
    await moderator.api.comments.delete.mutate({ slug: article.slug, id: spam.id, reason: 'spam' });
    // Reconnecting from before both comments: the replay covers them.
    const stream = collect<{ body: string }>((handlers) => createSseClient(server.baseUrl).comments.onAdded.subscribe({ slug: article.slug, lastEventId: '0' }, handlers));
    const notifications = collect((handlers) => createSseClient(server.baseUrl, author.token).notifications.onEvent.subscribe({ lastEventId: '0' }, handlers));
    await vi.waitFor(() => expect(stream.items.map((item) => item.data.body)).toContain('Kept'));
    await vi.waitFor(() => expect(notifications.items.map((item) => item.data)).toContainEqual(expect.objectContaining({ body: 'Kept' })));
    expect(stream.items.map((item) => item.data.body)).toEqual(['Kept']);
    expect(notifications.items.map((item) => item.data)).not.toContainEqual(expect.objectContaining({ body: 'Buy now' }));
    stream.unsubscribe();
    notifications.unsubscribe();
  });

  it('answers NOT_FOUND for an unknown article', async () => {
    const stream = collect((handlers) => createSseClient(server.baseUrl).comments.onAdded.subscribe({ slug: 'no-such-article' }, handlers));
    await vi.waitFor(() => expect(stream.errors).toHaveLength(1));
    expect(stream.errors[0]?.data).toMatchObject({ reason: 'NOT_FOUND' });
  });
});
