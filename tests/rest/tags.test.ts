import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { rest, restAccount } from './rest-client.ts';

let server: TestServer;
beforeAll(async () => {
  // No cache, so the answer reflects the articles just written.
  server = await startTestServer({ POPULAR_TAGS_CACHE_MS: '0' });
});
afterAll(() => server.close());

describe('GET /api/tags', () => {
  it('answers 200 with `{ tags }`, most used first, anonymously', async () => {
    const author = await restAccount(server);
    for (const tagList of [['dragons', 'training'], ['dragons'], ['dragons', 'training', 'coffee']]) {
      await rest(server, 'POST', '/api/articles', { token: author.token, body: { article: { title: `Tagged ${tagList.join(' ')}`, description: 'D', body: 'B', tagList } } });
    }
    const { status, body } = await rest(server, 'GET', '/api/tags');
    expect(status).toBe(200);
    expect(body).toEqual({ tags: ['dragons', 'training', 'coffee'] });
  });

  it('ignores a token: the tags are the same for everyone', async () => {
    const reader = await restAccount(server);
    const [anonymous, signedIn] = await Promise.all([rest(server, 'GET', '/api/tags'), rest(server, 'GET', '/api/tags', { token: reader.token })]);
    expect(signedIn.body).toEqual(anonymous.body);
  });
});
