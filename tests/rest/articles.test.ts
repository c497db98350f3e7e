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

interface RestArticle {
  slug: string;
  body?: string;
  title: string;
  favoritesCount: number;
  author: { username: string };
}

async function createArticle(author: TestAccount, fields: Partial<{ title: string; description: string; body: string; tagList: string[] }> = {}) {
  const article = { title: `Title ${Math.random().toString(36).slice(2)}`, description: 'About it', body: 'The body', tagList: [], ...fields };
  const { status, body } = await rest(server, 'POST', '/api/articles', { token: author.token, body: { article } });
  expect(status).toBe(201);
  return (body as { article: RestArticle }).article;
}

function slugsOf(body: unknown): string[] {
  return (body as { articles: RestArticle[] }).articles.map((article) => article.slug);
}

describe('POST /api/articles', () => {
  it('creates and answers 201 with exactly the RealWorld article', async () => {
    const author = await restAccount(server);
    const { status, body } = await rest(server, 'POST', '/api/articles', {
      token: author.token,
      body: { article: { title: 'How to train your dragon', description: 'Ever wonder how?', body: 'You have to believe', tagList: ['Dragons', 'training'] } },
    });
    expect(status).toBe(201);
    expect(body).toEqual({
      article: {
        slug: 'how-to-train-your-dragon',
        title: 'How to train your dragon',
        description: 'Ever wonder how?',
        body: 'You have to believe',
        tagList: ['dragons', 'training'],
        createdAt: isoDate,
        updatedAt: isoDate,
        favorited: false,
        favoritesCount: 0,
        author: { username: author.username, bio: '', image: null, following: false },
      },
    });
  });

  it('answers 401 on `token` without a token', async () => {
    const { status, body } = await rest(server, 'POST', '/api/articles', { body: { article: { title: 'T', description: 'D', body: 'B' } } });
    expect(status).toBe(401);
    expect(body).toEqual({ errors: { token: ['Sign in to do this'] } });
  });

  it('answers 422 on each missing field', async () => {
    const author = await restAccount(server);
    const { status, body } = await rest(server, 'POST', '/api/articles', { token: author.token, body: { article: {} } });
    expect(status).toBe(422);
    expect(body).toEqual({
      errors: {
        title: ['Invalid input: expected string, received undefined'],
        description: ['Invalid input: expected string, received undefined'],
        body: ['Invalid input: expected string, received undefined'],
      },
    });
  });

  it('answers 422 on `title` when it is blank', async () => {
    const author = await restAccount(server);
    const { status, body } = await rest(server, 'POST', '/api/articles', { token: author.token, body: { article: { title: '  ', description: 'D', body: 'B' } } });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { title: ['Title is required'] } });
  });

  it('answers 422 on the offending tag and on too many tags', async () => {
    const author = await restAccount(server);
    const longTag = await rest(server, 'POST', '/api/articles', { token: author.token, body: { article: { title: 'T', description: 'D', body: 'B', tagList: ['ok', 'x'.repeat(33)] } } });
    expect(longTag.status).toBe(422);
    expect(longTag.body).toEqual({ errors: { 'tagList.1': ['Tags are at most 32 characters'] } });
    const manyTags = await rest(server, 'POST', '/api/articles', {
      token: author.token,
      body: { article: { title: 'T', description: 'D', body: 'B', tagList: Array.from({ length: 11 }, (_, index) => `tag${index}`) } },
    });
    expect(manyTags.status).toBe(422);
    expect(manyTags.body).toEqual({ errors: { tagList: ['At most 10 tags'] } });
  });

  it('answers 422 on `title` when it is too long', async () => {
    const author = await restAccount(server);
    const { status, body } = await rest(server, 'POST', '/api/articles', { token: author.token, body: { article: { title: 'x'.repeat(201), description: 'D', body: 'B' } } });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { title: ['Too big: expected string to have <=200 characters'] } });
  });

  it('answers 403 on `account` for a suspended account', async () => {
    const author = await restAccount(server);
    await server.db.updateTable('users').set({ suspendedAt: new Date(), suspensionReason: 'spam' }).where('id', '=', author.id).execute();
    const { status, body, headers } = await rest(server, 'POST', '/api/articles', { token: author.token, body: { article: { title: 'T', description: 'D', body: 'B' } } });
    expect(status).toBe(403);
    expect(headers.get('x-error-reason')).toBe('ACCOUNT_SUSPENDED');
    expect(body).toEqual({ errors: { account: ['This account is suspended'] } });
  });

  it('answers 422 on `article` when the envelope is missing', async () => {
    const author = await restAccount(server);
    const { status, body } = await rest(server, 'POST', '/api/articles', { token: author.token, body: { title: 'T', description: 'D', body: 'B' } });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { article: ['must be an object: the body is { "article": { … } }'] } });
  });
});

describe('GET /api/articles/{slug}', () => {
  it('answers 200 with the article and its body, anonymously', async () => {
    const author = await restAccount(server);
    const created = await createArticle(author, { body: 'Full text' });
    const { status, body } = await rest(server, 'GET', `/api/articles/${created.slug}`);
    expect(status).toBe(200);
    expect(body).toEqual({ article: { ...created, body: 'Full text' } });
  });

  it('answers 404 on `article` for an unknown slug', async () => {
    const { status, body } = await rest(server, 'GET', '/api/articles/no-such-article');
    expect(status).toBe(404);
    expect(body).toEqual({ errors: { article: ['No such article'] } });
  });

  it('answers 422 on `slug` for an impossible slug', async () => {
    const { status, body } = await rest(server, 'GET', `/api/articles/${'s'.repeat(256)}`);
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { slug: ['Too big: expected string to have <=255 characters'] } });
  });
});

describe('PUT /api/articles/{slug}', () => {
  it('lets the author edit, and a new title gives a new slug', async () => {
    const author = await restAccount(server);
    const created = await createArticle(author, { title: 'Before the edit' });
    const { status, body } = await rest(server, 'PUT', `/api/articles/${created.slug}`, { token: author.token, body: { article: { title: 'After the edit', body: 'New body' } } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ article: { slug: 'after-the-edit', title: 'After the edit', body: 'New body', description: 'About it' } });
  });

  it('answers 403 on `article` for another user', async () => {
    const [author, other] = await Promise.all([restAccount(server), restAccount(server)]);
    const created = await createArticle(author);
    const { status, body } = await rest(server, 'PUT', `/api/articles/${created.slug}`, { token: other.token, body: { article: { body: 'Vandalised' } } });
    expect(status).toBe(403);
    expect(body).toEqual({ errors: { article: ['Only the author can edit this article'] } });
  });

  it('answers 401 on `token` without a token', async () => {
    const author = await restAccount(server);
    const created = await createArticle(author);
    const { status, body } = await rest(server, 'PUT', `/api/articles/${created.slug}`, { body: { article: { body: 'x' } } });
    expect(status).toBe(401);
    expect(body).toEqual({ errors: { token: ['Sign in to do this'] } });
  });

  it('answers 404 on `article` for an unknown slug', async () => {
    const author = await restAccount(server);
    const { status, body } = await rest(server, 'PUT', '/api/articles/no-such-article', { token: author.token, body: { article: { body: 'x' } } });
    expect(status).toBe(404);
    expect(body).toEqual({ errors: { article: ['No such article'] } });
  });

  it('answers 422 on `title` when it is blanked', async () => {
    const author = await restAccount(server);
    const created = await createArticle(author);
    const { status, body } = await rest(server, 'PUT', `/api/articles/${created.slug}`, { token: author.token, body: { article: { title: '' } } });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { title: ['Title is required'] } });
  });

  it('answers 422 on `article` when the envelope is missing', async () => {
    const author = await restAccount(server);
    const created = await createArticle(author);
    const { status, body } = await rest(server, 'PUT', `/api/articles/${created.slug}`, { token: author.token, body: { title: 'Flat' } });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { article: ['must be an object: the body is { "article": { … } }'] } });
  });
});

describe('DELETE /api/articles/{slug}', () => {
  it('lets the author delete with 204 and no body; the article is gone', async () => {
    const author = await restAccount(server);
    const created = await createArticle(author);
    const response = await rest(server, 'DELETE', `/api/articles/${created.slug}`, { token: author.token });
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    expect((await rest(server, 'GET', `/api/articles/${created.slug}`)).status).toBe(404);
  });

  it('lets a moderator remove an article with a reason, and asks for the reason', async () => {
    const [author, moderator] = await Promise.all([restAccount(server), restAccount(server)]);
    await server.db.updateTable('users').set({ role: 'moderator' }).where('id', '=', moderator.id).execute();
    const created = await createArticle(author);
    const withoutReason = await rest(server, 'DELETE', `/api/articles/${created.slug}`, { token: moderator.token });
    expect(withoutReason.status).toBe(422);
    expect(withoutReason.body).toEqual({ errors: { reason: ['A moderator removal needs a reason'] } });
    expect((await rest(server, 'DELETE', `/api/articles/${created.slug}?reason=spam`, { token: moderator.token })).status).toBe(204);
  });

  it('answers 403 on `article` for another user', async () => {
    const [author, other] = await Promise.all([restAccount(server), restAccount(server)]);
    const created = await createArticle(author);
    const { status, body } = await rest(server, 'DELETE', `/api/articles/${created.slug}`, { token: other.token });
    expect(status).toBe(403);
    expect(body).toEqual({ errors: { article: ['Only the author or a moderator can delete this article'] } });
  });

  it('answers 401 on `token` without a token', async () => {
    const author = await restAccount(server);
    const created = await createArticle(author);
    const { status, body } = await rest(server, 'DELETE', `/api/articles/${created.slug}`);
    expect(status).toBe(401);
    expect(body).toEqual({ errors: { token: ['Sign in to do this'] } });
  });

  it('answers 404 on `article` for an unknown slug', async () => {
    const author = await restAccount(server);
    const { status, body } = await rest(server, 'DELETE', '/api/articles/no-such-article', { token: author.token });
    expect(status).toBe(404);
    expect(body).toEqual({ errors: { article: ['No such article'] } });
  });

  it('answers 422 on `reason` for a blank moderation reason', async () => {
    const author = await restAccount(server);
    const created = await createArticle(author);
    const { status, body } = await rest(server, 'DELETE', `/api/articles/${created.slug}?reason=%20`, { token: author.token });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { reason: ['Too small: expected string to have >=1 characters'] } });
  });
});

describe('GET /api/articles', () => {
  let author: TestAccount;
  let fan: TestAccount;
  const slugs: string[] = [];
  beforeAll(async () => {
    [author, fan] = await Promise.all([restAccount(server), restAccount(server)]);
    for (const title of ['List one', 'List two', 'List three']) {
      slugs.unshift((await createArticle(author, { title, tagList: ['listing'] })).slug);
    }
    await rest(server, 'POST', `/api/articles/${slugs[1]}/favorite`, { token: fan.token });
  });

  it('answers 200 with articles without `body`, newest first, and the total count', async () => {
    const { status, body } = await rest(server, 'GET', `/api/articles?author=${author.username}`);
    expect(status).toBe(200);
    expect(slugsOf(body)).toEqual(slugs);
    expect((body as { articlesCount: number }).articlesCount).toBe(3);
    for (const article of (body as { articles: object[] }).articles) {
      expect(Object.keys(article).sort()).toEqual(['author', 'createdAt', 'description', 'favorited', 'favoritesCount', 'slug', 'tagList', 'title', 'updatedAt']);
    }
  });

  it('filters by tag', async () => {
    const { body } = await rest(server, 'GET', '/api/articles?tag=listing');
    expect(slugsOf(body)).toEqual(slugs);
  });

  it('filters by the user who favorited, and says `favorited` to that user', async () => {
    const { body } = await rest(server, 'GET', `/api/articles?favorited=${fan.username}`, { token: fan.token });
    expect(body).toMatchObject({ articles: [{ slug: slugs[1], favorited: true, favoritesCount: 1 }], articlesCount: 1 });
  });

  it('pages with limit and offset while counting all matches', async () => {
    const { body } = await rest(server, 'GET', `/api/articles?author=${author.username}&limit=1&offset=1`);
    expect(slugsOf(body)).toEqual([slugs[1]]);
    expect((body as { articlesCount: number }).articlesCount).toBe(3);
  });

  it('answers 422 on `limit` when it is out of range or not a number', async () => {
    const zero = await rest(server, 'GET', '/api/articles?limit=0');
    expect(zero.status).toBe(422);
    expect(zero.body).toEqual({ errors: { limit: ['Too small: expected number to be >=1'] } });
    const text = await rest(server, 'GET', '/api/articles?limit=many');
    expect(text.status).toBe(422);
    expect(text.body).toEqual({ errors: { limit: ['Invalid input: expected number, received string'] } });
    const huge = await rest(server, 'GET', '/api/articles?limit=101');
    expect(huge.body).toEqual({ errors: { limit: ['Too big: expected number to be <=100'] } });
  });

  it('answers 422 on `offset` when it is negative', async () => {
    const { status, body } = await rest(server, 'GET', '/api/articles?offset=-1');
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { offset: ['Too small: expected number to be >=0'] } });
  });

  it('answers 422 on `favorited` (not the procedure\'s `favoritedBy`) for an impossible username', async () => {
    const { status, body } = await rest(server, 'GET', '/api/articles?favorited=x');
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { favorited: ['Username must be 3 to 32 letters, digits, "_" or "-"'] } });
  });

  it('answers 422 on `author` for an impossible username', async () => {
    const { status, body } = await rest(server, 'GET', '/api/articles?author=x');
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { author: ['Username must be 3 to 32 letters, digits, "_" or "-"'] } });
  });

  it('answers 422 on `tag` when it is repeated', async () => {
    const { status, body } = await rest(server, 'GET', '/api/articles?tag=a&tag=b');
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { tag: ['Invalid input: expected string, received array'] } });
  });
});

describe('GET /api/articles/feed', () => {
  it('answers 200 with articles by followed authors only', async () => {
    const [followed, stranger, reader] = await Promise.all([restAccount(server), restAccount(server), restAccount(server)]);
    const created = await createArticle(followed);
    await createArticle(stranger);
    await rest(server, 'POST', `/api/profiles/${followed.username}/follow`, { token: reader.token });
    const { status, body } = await rest(server, 'GET', '/api/articles/feed', { token: reader.token });
    expect(status).toBe(200);
    expect(body).toEqual({
      articles: [{ ...created, body: undefined, author: { ...created.author, following: true } }],
      articlesCount: 1,
    });
  });

  it('answers 401 on `token` without a token', async () => {
    const { status, body } = await rest(server, 'GET', '/api/articles/feed');
    expect(status).toBe(401);
    expect(body).toEqual({ errors: { token: ['Sign in to do this'] } });
  });

  it('answers 422 on `limit` when it is out of range', async () => {
    const reader = await restAccount(server);
    const { status, body } = await rest(server, 'GET', '/api/articles/feed?limit=0&offset=-1', { token: reader.token });
    expect(status).toBe(422);
    expect(body).toEqual({ errors: { limit: ['Too small: expected number to be >=1'], offset: ['Too small: expected number to be >=0'] } });
  });
});

describe('POST and DELETE /api/articles/{slug}/favorite', () => {
  it('favorites and unfavorites idempotently, answering 200 with the article', async () => {
    const [author, fan] = await Promise.all([restAccount(server), restAccount(server)]);
    const created = await createArticle(author);
    for (let attempt = 0; attempt < 2; attempt++) {
      const { status, body } = await rest(server, 'POST', `/api/articles/${created.slug}/favorite`, { token: fan.token });
      expect(status).toBe(200);
      expect(body).toMatchObject({ article: { slug: created.slug, favorited: true, favoritesCount: 1, body: 'The body' } });
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      const { status, body } = await rest(server, 'DELETE', `/api/articles/${created.slug}/favorite`, { token: fan.token });
      expect(status).toBe(200);
      expect(body).toMatchObject({ article: { slug: created.slug, favorited: false, favoritesCount: 0 } });
    }
  });

  it('accepts `Content-Type: application/json` with no body, as some frontends send it', async () => {
    const [author, fan] = await Promise.all([restAccount(server), restAccount(server)]);
    const created = await createArticle(author);
    const response = await fetch(`${server.baseUrl}/api/articles/${created.slug}/favorite`, {
      method: 'POST',
      headers: { authorization: `Token ${fan.token}`, 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
  });

  for (const method of ['POST', 'DELETE']) {
    it(`${method} answers 401 on \`token\` without a token`, async () => {
      const author = await restAccount(server);
      const created = await createArticle(author);
      const { status, body } = await rest(server, method, `/api/articles/${created.slug}/favorite`);
      expect(status).toBe(401);
      expect(body).toEqual({ errors: { token: ['Sign in to do this'] } });
    });

    it(`${method} answers 404 on \`article\` for an unknown slug`, async () => {
      const fan = await restAccount(server);
      const { status, body } = await rest(server, method, '/api/articles/no-such-article/favorite', { token: fan.token });
      expect(status).toBe(404);
      expect(body).toEqual({ errors: { article: ['No such article'] } });
    });

    it(`${method} answers 422 on \`slug\` for an impossible slug`, async () => {
      const fan = await restAccount(server);
      const { status, body } = await rest(server, method, `/api/articles/${'s'.repeat(256)}/favorite`, { token: fan.token });
      expect(status).toBe(422);
      expect(body).toEqual({ errors: { slug: ['Too big: expected string to have <=255 characters'] } });
    });
  }
});
