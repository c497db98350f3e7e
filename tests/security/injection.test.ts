/**
 * Injection (ASVS 5.3.4, 5.3.x; API8/API10 input handling): SQL metacharacters and Unicode edge
 * cases in string inputs are stored and returned exactly or refused cleanly, and search/filter
 * inputs cannot change the shape of a query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { sseFirstAnswer } from './fuzz/sse-first-answer.ts';
import { refusal } from './security-helpers.ts';

let server: TestServer;
let alice: TestAccount;
let admin: TestAccount;

const exactStrings = [
  "Robert'); DROP TABLE articles;--",
  '%_\\ LIKE wildcards',
  '\u202Eevil RTL override',
  'e\u0301\u0301 combining marks',
  '4-byte emoji 🧑‍🚀 𝕳𝖊𝖑𝖑𝖔',
  '$1 $$ :param ? placeholders',
  '<script>alert(1)</script>',
];

beforeAll(async () => {
  server = await startTestServer();
  [alice, admin] = await Promise.all([registerAccount(server), registerAccount(server)]);
  await server.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.id).execute();
});
afterAll(() => server.close());

describe('Injection (ASVS 5.3.4 parameterised queries, 5.1.4 structured data)', () => {
  it('ASVS 5.3.4 — SQL metacharacters and Unicode edge cases are stored and returned exactly', async () => {
    for (const text of exactStrings) {
      const article = await alice.api.articles.create.mutate({ title: text, description: text, body: text, tagList: [] });
      const read = await server.api.articles.bySlug.query({ slug: article.slug });
      expect({ title: read.title, description: read.description, body: read.body }).toEqual({ title: text, description: text, body: text });
      const comment = await alice.api.comments.add.mutate({ slug: article.slug, body: text });
      expect(comment.body).toBe(text);
    }
    await alice.api.users.update.mutate({ bio: exactStrings.join('\n') });
    expect((await server.api.profiles.get.query({ username: alice.username })).bio).toBe(exactStrings.join('\n'));
  });

  it('ASVS 5.1.4 — a NUL character or an unpaired surrogate is refused with VALIDATION_ERROR, not a 500', async () => {
    for (const bad of ['a\u0000b', 'lone \uD800 surrogate']) {
      expect(await refusal(alice.api.articles.create.mutate({ title: 't', description: 'd', body: bad, tagList: [] }))).toMatchObject({ httpStatus: 400, reason: 'VALIDATION_ERROR' });
      expect(await refusal(server.api.articles.bySlug.query({ slug: bad }))).toMatchObject({ httpStatus: 400 });
      expect(await refusal(server.api.auth.login.mutate({ login: bad, password: bad }))).toMatchObject({ httpStatus: 400 });
    }
    const rest = await fetch(`${server.baseUrl}/api/articles/a%00b`);
    expect(rest.status).toBeLessThan(500);
  });

  it('ASVS 5.3.4 — a tag or author filter with SQL or LIKE metacharacters matches literally', async () => {
    await alice.api.articles.create.mutate({ title: 'Tagged', description: 'd', body: 'b', tagList: ['plain'] });
    for (const tag of ["plain' OR '1'='1", '%', 'p_ain', "plain'--"]) {
      const page = await server.api.articles.list.query({ tag });
      expect(page.items).toEqual([]);
    }
    expect(await refusal(server.api.articles.list.query({ author: "x' OR '1'='1" }))).toMatchObject({ httpStatus: 400 });
  });

  it('ASVS 5.3.4 — admin user search treats % and _ literally (no wildcard enumeration)', async () => {
    const everyone = await admin.api.admin.users.list.query({});
    expect(everyone.items.length).toBeGreaterThanOrEqual(2);
    for (const query of ['%', '_', '%%', '\\']) {
      const page = await admin.api.admin.users.list.query({ query });
      expect(page.items).toEqual([]);
    }
  });

  it('ASVS 5.1.3 — a malformed keyset cursor is a 400, not a query-shape change or a 500', async () => {
    for (const cursor of ["' OR 1=1 --", 'eyJhIjoiYiJ9', '[]', 'x'.repeat(256)]) {
      expect(await refusal(server.api.articles.list.query({ cursor }))).toMatchObject({ httpStatus: 400 });
    }
  });

  it('ASVS 5.1.3 — a lastEventId past the bigint range resumes nothing instead of failing the stream with a 500 (found by subscription fuzzing)', async () => {
    const slug = (await alice.api.articles.create.mutate({ title: 'Resumed stream', description: 'd', body: 'b', tagList: [] })).slug;
    const faultsBefore = server.logs.filter((line) => typeof line.level === 'number' && line.level >= 50).length;
    for (const lastEventId of ['9223372036854775808', '99999999999999999999']) {
      const notifications = await sseFirstAnswer(`${server.baseUrl}/trpc/notifications.onEvent`, { lastEventId }, { authorization: `Bearer ${alice.token}` }, 100);
      const comments = await sseFirstAnswer(`${server.baseUrl}/trpc/comments.onAdded`, { slug, lastEventId }, {}, 100);
      expect([notifications.kind, comments.kind]).toEqual(['open', 'open']);
    }
    expect(server.logs.filter((line) => typeof line.level === 'number' && line.level >= 50)).toHaveLength(faultsBefore);
  });
});
