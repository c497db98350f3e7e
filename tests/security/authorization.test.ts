/**
 * OWASP API Security Top 10 (2023): API1 broken object-level authorization, API3 broken object
 * property-level authorization and API5 broken function-level authorization, over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appRouter } from '../../src/trpc/router.ts';
import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { createApiClient, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { refusal } from './security-helpers.ts';

let server: TestServer;
let alice: TestAccount;
let bob: TestAccount;
let moderator: TestAccount;
let admin: TestAccount;
let slug: string;
let commentId: number;

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob, moderator, admin] = await Promise.all([registerAccount(server), registerAccount(server), registerAccount(server), registerAccount(server)]);
  await server.db.updateTable('users').set({ role: 'moderator' }).where('id', '=', moderator.id).execute();
  await server.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.id).execute();
  ({ slug } = await alice.api.articles.create.mutate({ title: 'Alice owns this', description: 'd', body: 'b', tagList: ['mine'] }));
  ({ id: commentId } = await alice.api.comments.add.mutate({ slug, body: 'Alice comments' }).then((comment) => ({ id: Number(comment.id) })));
});
afterAll(() => server.close());

describe('API1:2023 Broken Object Level Authorization (ASVS 4.2.1)', () => {
  it("API1:2023 — another user's article cannot be updated (403) and anonymous gets 401", async () => {
    expect(await refusal(bob.api.articles.update.mutate({ slug, title: 'Bob was here' }))).toMatchObject({ httpStatus: 403 });
    expect(await refusal(server.api.articles.update.mutate({ slug, title: 'Nobody was here' }))).toMatchObject({ httpStatus: 401 });
    expect(await server.api.articles.bySlug.query({ slug })).toMatchObject({ title: 'Alice owns this' });
  });

  it("API1:2023 — another user's article and comment cannot be deleted (403), anonymous gets 401", async () => {
    expect(await refusal(bob.api.articles.delete.mutate({ slug }))).toMatchObject({ httpStatus: 403 });
    expect(await refusal(bob.api.comments.delete.mutate({ slug, id: commentId }))).toMatchObject({ httpStatus: 403 });
    expect(await refusal(server.api.comments.delete.mutate({ slug, id: commentId }))).toMatchObject({ httpStatus: 401 });
    expect((await server.api.comments.list.query({ slug })).items).toHaveLength(1);
  });

  it("API1:2023 — another user's session and access token cannot be revoked (their ids are private: 404)", async () => {
    const [aliceSession] = await alice.api.auth.sessions.list.query();
    const aliceToken = await alice.api.auth.tokens.create.mutate({ name: 'ci', scopes: ['read'] });
    expect(await refusal(bob.api.auth.sessions.revoke.mutate({ id: aliceSession!.id }))).toMatchObject({ httpStatus: 404 });
    expect(await refusal(bob.api.auth.tokens.revoke.mutate({ id: aliceToken.id }))).toMatchObject({ httpStatus: 404 });
    await expect(alice.api.auth.me.query()).resolves.toMatchObject({ id: alice.id });
    expect((await alice.api.auth.tokens.list.query()).map((token) => token.id)).toContain(aliceToken.id);
  });

  it("API1:2023 — REST: another user's article gives 403 and a missing token 401", async () => {
    const put = (authorization?: string) =>
      fetch(`${server.baseUrl}/api/articles/${slug}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
        body: JSON.stringify({ article: { title: 'Bob via REST' } }),
      });
    expect((await put(`Token ${bob.token}`)).status).toBe(403);
    expect((await put()).status).toBe(401);
    const del = await fetch(`${server.baseUrl}/api/articles/${slug}`, { method: 'DELETE', headers: { authorization: `Token ${bob.token}` } });
    expect(del.status).toBe(403);
  });

  it('API1:2023 — no listing reveals soft-deleted articles', async () => {
    const doomed = await bob.api.articles.create.mutate({ title: 'Soon gone', description: 'd', body: 'b', tagList: ['doomed-tag'] });
    await bob.api.articles.delete.mutate({ slug: doomed.slug });
    const listed = await server.api.articles.list.query({ author: bob.username, withCount: true });
    expect(listed.items.map((article) => article.slug)).not.toContain(doomed.slug);
    expect(await refusal(server.api.articles.bySlug.query({ slug: doomed.slug }))).toMatchObject({ httpStatus: 404 });
    expect(await refusal(server.api.comments.list.query({ slug: doomed.slug }))).toMatchObject({ httpStatus: 404 });
  });

  it("API1:2023 / ASVS 8.3.1 — profiles, articles and comments never carry another user's email, role, sessions or tokens", async () => {
    const texts = [
      await bob.api.profiles.get.query({ username: alice.username }),
      await bob.api.articles.list.query({}),
      await bob.api.articles.bySlug.query({ slug }),
      await bob.api.comments.list.query({ slug }),
      await bob.api.tags.popular.query({}),
    ].map((value) => JSON.stringify(value));
    for (const text of texts) {
      expect(text).not.toContain(alice.email);
      expect(text).not.toContain(alice.token);
      expect(text).not.toMatch(/"(email|role|passwordHash|sessions?|tokens?|suspendedAt)"/);
    }
  });
});

describe('API3:2023 Broken Object Property Level Authorization (ASVS 5.1.2 mass assignment)', () => {
  it('API3:2023 — registration refuses role, id and emailVerified', async () => {
    const input = { email: 'mass@example.com', username: 'mass_assign', password: 'a long enough password', role: 'admin', emailVerified: true, id: '00000000-0000-0000-0000-000000000000' };
    // The input type forbids these keys, which is the point: a hostile client sends them anyway.
    expect(await refusal(server.api.auth.register.mutate(input as never))).toMatchObject({ httpStatus: 400 });
  });

  it('API3:2023 — users.update refuses role, id and emailVerified and changes nothing', async () => {
    for (const extra of [{ role: 'admin' }, { id: admin.id }, { emailVerified: true }, { suspendedAt: null }]) {
      expect(await refusal(bob.api.users.update.mutate({ bio: 'x', ...extra }))).toMatchObject({ httpStatus: 400 });
    }
    expect(await bob.api.auth.me.query()).toMatchObject({ role: 'user', emailVerified: false, id: bob.id });
  });

  it('API3:2023 — articles.create and update refuse authorId, favoritesCount and slug overrides', async () => {
    for (const extra of [{ authorId: bob.id }, { favoritesCount: 1000 }, { author: { username: bob.username } }, { createdAt: new Date(0) }]) {
      expect(await refusal(alice.api.articles.create.mutate({ title: 't', description: 'd', body: 'b', tagList: [], ...extra }))).toMatchObject({ httpStatus: 400 });
      expect(await refusal(alice.api.articles.update.mutate({ slug, ...extra }))).toMatchObject({ httpStatus: 400 });
    }
    expect(await server.api.articles.bySlug.query({ slug })).toMatchObject({ favoritesCount: 0, author: { username: alice.username } });
  });

  it('API3:2023 — REST PUT /api/user ignores or refuses role and never elevates', async () => {
    const response = await fetch(`${server.baseUrl}/api/user`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Token ${bob.token}` },
      body: JSON.stringify({ user: { bio: 'rest bio', role: 'admin', emailVerified: true } }),
    });
    expect(response.status).toBeLessThan(500);
    const stored = await server.db.selectFrom('users').select(['role', 'emailVerifiedAt']).where('id', '=', bob.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ role: 'user', emailVerifiedAt: null });
  });

  it('API3:2023 — auth.me returns exactly its declared fields', async () => {
    expect(Object.keys(await bob.api.auth.me.query()).sort()).toEqual(['bio', 'email', 'emailVerified', 'id', 'image', 'role', 'username']);
  });
});

describe('API5:2023 Broken Function Level Authorization (ASVS 4.1.1, 4.1.3)', () => {
  const adminProcedures = Object.entries(appRouter._def.procedures)
    .filter(([path]) => path.startsWith('admin.'))
    // tRPC types the record loosely; `_def.type` is the procedure kind.
    .map(([path, procedure]) => ({ path, type: (procedure as unknown as { _def: { type: 'query' | 'mutation' } })._def.type }));

  const callAs = (token: string | undefined, path: string, type: 'query' | 'mutation') => {
    const client = createApiClient(server.baseUrl, token ? { authorization: `Bearer ${token}` } : {});
    // Walking the client proxy by a runtime path loses its static type.
    const procedure = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], client) as Record<'query' | 'mutate', (input: unknown) => Promise<unknown>>;
    const input = { username: alice.username, role: 'admin', reason: 'because' };
    return type === 'query' ? procedure.query({}) : procedure.mutate(input);
  };

  it('API5:2023 — every admin.* procedure refuses a user (403), a moderator (403) and anonymous (401)', async () => {
    expect(adminProcedures.length).toBeGreaterThanOrEqual(5);
    for (const { path, type } of adminProcedures) {
      expect(await refusal(callAs(bob.token, path, type)), `${path} as user`).toMatchObject({ httpStatus: 403 });
      expect(await refusal(callAs(moderator.token, path, type)), `${path} as moderator`).toMatchObject({ httpStatus: 403 });
      expect(await refusal(callAs(undefined, path, type)), `${path} anonymously`).toMatchObject({ httpStatus: 401 });
    }
    expect(await server.db.selectFrom('users').select('role').where('id', '=', alice.id).executeTakeFirstOrThrow()).toEqual({ role: 'user' });
  });

  it('API5:2023 — a suspended account can do nothing but read public data', async () => {
    const suspended = await registerAccount(server);
    const { slug: ownSlug } = await suspended.api.articles.create.mutate({ title: 'Before suspension', description: 'd', body: 'b', tagList: [] });
    const pat = await suspended.api.auth.tokens.create.mutate({ name: 'script', scopes: ['read', 'write'] });
    await admin.api.admin.users.suspend.mutate({ username: suspended.username, reason: 'abuse' });
    const viaToken = createApiClient(server.baseUrl, { authorization: `Bearer ${pat.token}` });
    for (const client of [suspended.api, viaToken]) {
      await expect(client.articles.create.mutate({ title: 'After', description: 'd', body: 'b', tagList: [] })).rejects.toBeTruthy();
      await expect(client.comments.add.mutate({ slug, body: 'spam' })).rejects.toBeTruthy();
      await expect(client.articles.favorite.mutate({ slug })).rejects.toBeTruthy();
      await expect(client.auth.me.query()).rejects.toBeTruthy();
    }
    expect(await refusal(server.api.auth.login.mutate({ login: suspended.username, password: suspended.password }))).toMatchObject({ httpStatus: expect.any(Number) });
    await expect(server.api.articles.bySlug.query({ slug: ownSlug })).resolves.toMatchObject({ slug: ownSlug });
  });
});
