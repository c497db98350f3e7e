import { randomUUID } from 'node:crypto';

import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { createUnbatchedApiClient, startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
let alice: TestAccount;
let bob: TestAccount;

beforeAll(async () => {
  server = await startTestServer();
  alice = await registerAccount(server);
  bob = await registerAccount(server);
});
afterAll(() => server.close());

const articleInput = (title: string) => ({ title, description: 'about it', body: 'the body', tagList: ['faults'] });

async function articlesTitled(title: string): Promise<number> {
  const rows = await server.db.selectFrom('articles').select('id').where('title', '=', title).execute();
  return rows.length;
}

function reasonOf(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error.data as { reason?: string } | undefined)?.reason : undefined;
}

describe('Idempotency-Key on creating mutations', () => {
  it('returns the first result for a retried articles.create and creates one article', async () => {
    const title = `Retried ${randomUUID()}`;
    const idempotencyKey = randomUUID();
    const first = await alice.api.articles.create.mutate({ ...articleInput(title), idempotencyKey });
    const retry = await alice.api.articles.create.mutate({ ...articleInput(title), idempotencyKey });
    expect(retry).toEqual(first);
    expect(await articlesTitled(title)).toBe(1);
  });

  it('accepts the key as an Idempotency-Key header', async () => {
    const title = `Header ${randomUUID()}`;
    const api = createUnbatchedApiClient(server.baseUrl, { authorization: `Bearer ${alice.token}`, 'idempotency-key': randomUUID() });
    const first = await api.articles.create.mutate(articleInput(title));
    const retry = await api.articles.create.mutate(articleInput(title));
    expect(retry.slug).toBe(first.slug);
    expect(await articlesTitled(title)).toBe(1);
  });

  it('creates exactly one article when retries race the original', async () => {
    const title = `Race ${randomUUID()}`;
    const idempotencyKey = randomUUID();
    const api = createUnbatchedApiClient(server.baseUrl, { authorization: `Bearer ${alice.token}` });
    const results = await Promise.all(Array.from({ length: 10 }, () => api.articles.create.mutate({ ...articleInput(title), idempotencyKey })));
    expect(new Set(results.map((article) => article.slug)).size).toBe(1);
    expect(await articlesTitled(title)).toBe(1);
  });

  it('refuses a key reused for a different request', async () => {
    const idempotencyKey = randomUUID();
    await alice.api.articles.create.mutate({ ...articleInput(`First ${randomUUID()}`), idempotencyKey });
    const reuse = alice.api.articles.create.mutate({ ...articleInput(`Other ${randomUUID()}`), idempotencyKey });
    await expect(reuse).rejects.toSatisfy((error) => reasonOf(error) === 'IDEMPOTENCY_KEY_REUSED');
  });

  it('keeps keys apart per user', async () => {
    const idempotencyKey = randomUUID();
    const title = `Shared key ${randomUUID()}`;
    const byAlice = await alice.api.articles.create.mutate({ ...articleInput(title), idempotencyKey });
    const byBob = await bob.api.articles.create.mutate({ ...articleInput(title), idempotencyKey });
    expect(byBob.author.username).toBe(bob.username);
    expect(byBob.slug).not.toBe(byAlice.slug);
  });

  it('adds a retried comment once', async () => {
    const article = await alice.api.articles.create.mutate(articleInput(`Commented ${randomUUID()}`));
    const idempotencyKey = randomUUID();
    const first = await bob.api.comments.add.mutate({ slug: article.slug, body: 'Nice one', idempotencyKey });
    const retry = await bob.api.comments.add.mutate({ slug: article.slug, body: 'Nice one', idempotencyKey });
    expect(retry).toEqual(first);
    expect((await bob.api.comments.list.query({ slug: article.slug })).items).toHaveLength(1);
  });

  it('stores nothing for a failed attempt, so a retry runs afresh', async () => {
    const idempotencyKey = randomUUID();
    const missing = bob.api.comments.add.mutate({ slug: `no-such-article-${randomUUID()}`, body: 'Hello', idempotencyKey });
    await expect(missing).rejects.toSatisfy((error) => reasonOf(error) === 'NOT_FOUND');
    const stored = await server.db.selectFrom('idempotencyKeys').select('key').where('key', '=', idempotencyKey).execute();
    expect(stored).toEqual([]);
  });

  it('rejects a malformed Idempotency-Key header', async () => {
    const api = createUnbatchedApiClient(server.baseUrl, { authorization: `Bearer ${alice.token}`, 'idempotency-key': 'short' });
    await expect(api.articles.create.mutate(articleInput(`Bad key ${randomUUID()}`))).rejects.toSatisfy((error) => reasonOf(error) === 'VALIDATION_ERROR');
  });
});
