import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TestAccount } from '../helpers/accounts.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { rest, restAccount } from './rest-client.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const isoDate = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown as string;

async function createArticle(author: TestAccount): Promise<string> {
  const article = await author.api.articles.create.mutate({ title: `Commented ${Math.random().toString(36).slice(2)}`, description: 'D', body: 'B', tagList: [] });
  return article.slug;
}

async function addComment(account: TestAccount, slug: string, body = 'Nice article'): Promise<{ id: number }> {
  const response = await rest(server, 'POST', `/api/articles/${slug}/comments`, { token: account.token, body: { comment: { body } } });
  expect(response.status).toBe(201);
  return (response.body as { comment: { id: number } }).comment;
}

describe('POST /api/articles/{slug}/comments', () => {
  it('adds and answers 201 with exactly the RealWorld comment', async () => {
    const [author, reader] = await Promise.all([restAccount(server), restAccount(server)]);
    const slug = await createArticle(author);
    const { status, body } = await rest(server, 'POST', `/api/articles/${slug}/comments`, { token: reader.token, body: { comment: { body: 'Thank you so much!' } } });
    expect(status).toBe(201);
    expect(body).toEqual({
      comment: {
        id: expect.any(Number) as number,
        body: 'Thank you so much!',
        createdAt: isoDate,
        updatedAt: isoDate,
        author: { username: reader.username, bio: '', image: null, following: false },
      },
    });
  });

  it('answers 401 on `token` without a token', async () => {
    const author = await restAccount(server);
    const slug = await createArticle(author);
    const { status, body } = await rest(server, 'POST', `/api/articles/${slug}/comments`, { body: { comment: { body: 'Hi' } } });
    expect(status).toBe(401);
    expect(body).toEqual({ errors: { token: ['Sign in to do this'] } });
  });

  it('answers 404 on `article` for an unknown slug', async () => {
    const reader = await restAccount(server);
    const { status, body } = await rest(server, 'POST', '/api/articles/no-such-article/comments', { token: reader.token, body: { comment: { body: 'Hi' } } });
    expect(status).toBe(404);
    expect(body).toEqual({ errors: { article: ['No such article'] } });
  });

  it('answers 422 on `body` when it is blank or missing', async () => {
    const author = await restAccount(server);
    const slug = await createArticle(author);
    const blank = await rest(server, 'POST', `/api/articles/${slug}/comments`, { token: author.token, body: { comment: { body: '   ' } } });
    expect(blank.status).toBe(422);
    expect(blank.body).toEqual({ errors: { body: ['Comment cannot be empty'] } });
    const missing = await rest(server, 'POST', `/api/articles/${slug}/comments`, { token: author.token, body: { comment: {} } });
    expect(missing.body).toEqual({ errors: { body: ['Invalid input: expected string, received undefined'] } });
  });

  it('answers 422 on `body` when it is too long', async () => {
    const author = await restAccount(server);
    const slug = await createArticle(author);
    const { status, body } = await rest(server, 'POST', `/api/articles/${slug}/comments`, { token: author.token, body: { comment: { body: 'x'.repeat(10_001) } } });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { body: ['Too big: expected string to have <=10000 characters'] } });
  });

  it('answers 422 on `comment` when the envelope is missing', async () => {
    const author = await restAccount(server);
    const slug = await createArticle(author);
    const { status, body } = await rest(server, 'POST', `/api/articles/${slug}/comments`, { token: author.token, body: { body: 'flat' } });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { comment: ['must be an object: the body is { "comment": { … } }'] } });
  });
});

describe('GET /api/articles/{slug}/comments', () => {
  it('answers 200 with the comments, oldest first, anonymously', async () => {
    const [author, reader] = await Promise.all([restAccount(server), restAccount(server)]);
    const slug = await createArticle(author);
    const first = await addComment(reader, slug, 'First');
    const second = await addComment(author, slug, 'Second');
    const { status, body } = await rest(server, 'GET', `/api/articles/${slug}/comments`);
    expect(status).toBe(200);
    expect(body).toEqual({
      comments: [
        { id: first.id, body: 'First', createdAt: isoDate, updatedAt: isoDate, author: { username: reader.username, bio: '', image: null, following: false } },
        { id: second.id, body: 'Second', createdAt: isoDate, updatedAt: isoDate, author: { username: author.username, bio: '', image: null, following: false } },
      ],
    });
  });

  it('answers 404 on `article` for an unknown slug', async () => {
    const { status, body } = await rest(server, 'GET', '/api/articles/no-such-article/comments');
    expect(status).toBe(404);
    expect(body).toEqual({ errors: { article: ['No such article'] } });
  });

  it('answers 422 on `slug` for an impossible slug', async () => {
    const { status, body } = await rest(server, 'GET', `/api/articles/${'s'.repeat(256)}/comments`);
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { slug: ['Too big: expected string to have <=255 characters'] } });
  });
});

describe('DELETE /api/articles/{slug}/comments/{id}', () => {
  it('lets the comment author delete with 204; the comment is gone', async () => {
    const [author, reader] = await Promise.all([restAccount(server), restAccount(server)]);
    const slug = await createArticle(author);
    const comment = await addComment(reader, slug);
    const response = await rest(server, 'DELETE', `/api/articles/${slug}/comments/${comment.id}`, { token: reader.token });
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    expect((await rest(server, 'GET', `/api/articles/${slug}/comments`)).body).toEqual({ comments: [] });
  });

  it("lets the article's author delete someone else's comment", async () => {
    const [author, reader] = await Promise.all([restAccount(server), restAccount(server)]);
    const slug = await createArticle(author);
    const comment = await addComment(reader, slug);
    expect((await rest(server, 'DELETE', `/api/articles/${slug}/comments/${comment.id}`, { token: author.token })).status).toBe(204);
  });

  it('lets a moderator remove a comment with a reason, and asks for the reason', async () => {
    const [author, moderator] = await Promise.all([restAccount(server), restAccount(server)]);
    await server.db.updateTable('users').set({ role: 'moderator' }).where('id', '=', moderator.id).execute();
    const slug = await createArticle(author);
    const comment = await addComment(author, slug);
    const withoutReason = await rest(server, 'DELETE', `/api/articles/${slug}/comments/${comment.id}`, { token: moderator.token });
    expect(withoutReason.status).toBe(422);
    expect(withoutReason.body).toEqual({ errors: { reason: ['A moderator removal needs a reason'] } });
    const withReason = await rest(server, 'DELETE', `/api/articles/${slug}/comments/${comment.id}?reason=spam`, { token: moderator.token });
    expect(withReason.status).toBe(204);
  });

  it('answers 403 on `comment` for another user', async () => {
    const [author, reader, other] = await Promise.all([restAccount(server), restAccount(server), restAccount(server)]);
    const slug = await createArticle(author);
    const comment = await addComment(reader, slug);
    const { status, body } = await rest(server, 'DELETE', `/api/articles/${slug}/comments/${comment.id}`, { token: other.token });
    expect(status).toBe(403);
    expect(body).toEqual({ errors: { comment: ['Only the comment author, the article author or a moderator can delete this comment'] } });
  });

  it('answers 401 on `token` without a token', async () => {
    const author = await restAccount(server);
    const slug = await createArticle(author);
    const comment = await addComment(author, slug);
    const { status, body } = await rest(server, 'DELETE', `/api/articles/${slug}/comments/${comment.id}`);
    expect(status).toBe(401);
    expect(body).toEqual({ errors: { token: ['Sign in to do this'] } });
  });

  it('answers 404 on `comment` for an unknown id or a comment of another article', async () => {
    const author = await restAccount(server);
    const [slug, otherSlug] = [await createArticle(author), await createArticle(author)];
    const comment = await addComment(author, slug);
    const unknown = await rest(server, 'DELETE', `/api/articles/${slug}/comments/999999999`, { token: author.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ errors: { comment: ['No such comment'] } });
    const elsewhere = await rest(server, 'DELETE', `/api/articles/${otherSlug}/comments/${comment.id}`, { token: author.token });
    expect(elsewhere.status).toBe(404);
  });

  it('answers 422 on `id` when it is not a positive integer', async () => {
    const author = await restAccount(server);
    const slug = await createArticle(author);
    const text = await rest(server, 'DELETE', `/api/articles/${slug}/comments/abc`, { token: author.token });
    expect(text.status).toBe(422);
    expect(text.body).toEqual({ errors: { id: ['Invalid input: expected number, received string'] } });
    const zero = await rest(server, 'DELETE', `/api/articles/${slug}/comments/0`, { token: author.token });
    expect(zero.body).toEqual({ errors: { id: ['Too small: expected number to be >0'] } });
  });
});
