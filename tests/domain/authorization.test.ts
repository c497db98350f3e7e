import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { createArticle, failure, setRole } from './domain-helpers.ts';

let server: TestServer;
let author: TestAccount;
let other: TestAccount;
let moderator: TestAccount;
let suspended: TestAccount;
beforeAll(async () => {
  server = await startTestServer();
  [author, other, moderator, suspended] = await Promise.all([registerAccount(server), registerAccount(server), registerAccount(server), registerAccount(server)]);
  await setRole(server, moderator, 'moderator');
  await server.db.updateTable('users').set({ suspendedAt: new Date(), suspensionReason: 'test' }).where('id', '=', suspended.id).execute();
});
afterAll(() => server.close());

describe('who may update an article', () => {
  it('lets the author update', async () => {
    const article = await createArticle(author);
    await expect(author.api.articles.update.mutate({ slug: article.slug, body: 'edited' })).resolves.toMatchObject({ body: 'edited' });
  });

  it('refuses another user with FORBIDDEN', async () => {
    const article = await createArticle(author);
    expect(await failure(other.api.articles.update.mutate({ slug: article.slug, body: 'x' }))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a moderator with FORBIDDEN (moderators remove, they do not edit)', async () => {
    const article = await createArticle(author);
    expect(await failure(moderator.api.articles.update.mutate({ slug: article.slug, body: 'x' }))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses anonymous with UNAUTHORIZED', async () => {
    const article = await createArticle(author);
    expect(await failure(server.api.articles.update.mutate({ slug: article.slug, body: 'x' }))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses a suspended user with ACCOUNT_SUSPENDED', async () => {
    expect(await failure(createArticle(suspended))).toMatchObject({ code: 'FORBIDDEN', reason: 'ACCOUNT_SUSPENDED' });
  });

  it('answers NOT_FOUND for a missing or deleted article', async () => {
    const article = await createArticle(author);
    await author.api.articles.delete.mutate({ slug: article.slug });
    expect(await failure(author.api.articles.update.mutate({ slug: article.slug, body: 'x' }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(author.api.articles.update.mutate({ slug: 'never-existed', body: 'x' }))).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('who may delete an article', () => {
  it('lets the author delete', async () => {
    const article = await createArticle(author);
    await expect(author.api.articles.delete.mutate({ slug: article.slug })).resolves.toEqual({ slug: article.slug });
  });

  it('refuses another user with FORBIDDEN', async () => {
    const article = await createArticle(author);
    expect(await failure(other.api.articles.delete.mutate({ slug: article.slug }))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses anonymous with UNAUTHORIZED', async () => {
    const article = await createArticle(author);
    expect(await failure(server.api.articles.delete.mutate({ slug: article.slug }))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses a suspended author', async () => {
    const article = await createArticle(author);
    expect(await failure(suspended.api.articles.delete.mutate({ slug: article.slug }))).toMatchObject({ reason: 'ACCOUNT_SUSPENDED' });
  });

  it('lets a moderator remove it with a reason, recorded in the audit log', async () => {
    const article = await createArticle(author);
    expect(await failure(moderator.api.articles.delete.mutate({ slug: article.slug }))).toMatchObject({ reason: 'REASON_REQUIRED' });
    await moderator.api.articles.delete.mutate({ slug: article.slug, reason: 'spam' });
    const entry = await server.db.selectFrom('auditLog').selectAll().where('action', '=', 'article.removed').where('actorId', '=', moderator.id).executeTakeFirstOrThrow();
    expect(entry.metadata).toMatchObject({ reason: 'spam', slug: article.slug });
  });

  it('lets an admin remove it', async () => {
    const admin = await registerAccount(server);
    await setRole(server, admin, 'admin');
    const article = await createArticle(author);
    await expect(admin.api.articles.delete.mutate({ slug: article.slug, reason: 'off-topic' })).resolves.toEqual({ slug: article.slug });
  });
});

describe('who may delete a comment', () => {
  async function commentOnArticle() {
    const article = await createArticle(author);
    const commenter = await registerAccount(server);
    const comment = await commenter.api.comments.add.mutate({ slug: article.slug, body: 'First!' });
    return { article, commenter, comment };
  }

  it('lets the comment author delete it', async () => {
    const { article, commenter, comment } = await commentOnArticle();
    await commenter.api.comments.delete.mutate({ slug: article.slug, id: comment.id });
    await expect(server.api.comments.list.query({ slug: article.slug })).resolves.toEqual({ items: [] });
  });

  it("lets the article's author delete it", async () => {
    const { article, comment } = await commentOnArticle();
    await expect(author.api.comments.delete.mutate({ slug: article.slug, id: comment.id })).resolves.toEqual({ id: comment.id });
  });

  it('refuses another user with FORBIDDEN', async () => {
    const { article, comment } = await commentOnArticle();
    expect(await failure(other.api.comments.delete.mutate({ slug: article.slug, id: comment.id }))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses anonymous with UNAUTHORIZED', async () => {
    const { article, comment } = await commentOnArticle();
    expect(await failure(server.api.comments.delete.mutate({ slug: article.slug, id: comment.id }))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses a suspended user', async () => {
    const { article, comment } = await commentOnArticle();
    expect(await failure(suspended.api.comments.delete.mutate({ slug: article.slug, id: comment.id }))).toMatchObject({ reason: 'ACCOUNT_SUSPENDED' });
  });

  it('lets a moderator remove it with a reason (audited)', async () => {
    const { article, comment } = await commentOnArticle();
    await moderator.api.comments.delete.mutate({ slug: article.slug, id: comment.id, reason: 'abuse' });
    const entry = await server.db.selectFrom('auditLog').selectAll().where('action', '=', 'comment.removed').where('targetId', '=', String(comment.id)).executeTakeFirstOrThrow();
    expect(entry.metadata).toMatchObject({ reason: 'abuse' });
  });

  it('answers NOT_FOUND for a deleted comment or a comment of another article', async () => {
    const { article, commenter, comment } = await commentOnArticle();
    const elsewhere = await createArticle(author);
    expect(await failure(commenter.api.comments.delete.mutate({ slug: elsewhere.slug, id: comment.id }))).toMatchObject({ code: 'NOT_FOUND' });
    await commenter.api.comments.delete.mutate({ slug: article.slug, id: comment.id });
    expect(await failure(commenter.api.comments.delete.mutate({ slug: article.slug, id: comment.id }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses anonymous comments and comments on deleted articles', async () => {
    const article = await createArticle(author);
    expect(await failure(server.api.comments.add.mutate({ slug: article.slug, body: 'hi' }))).toMatchObject({ code: 'UNAUTHORIZED' });
    await author.api.articles.delete.mutate({ slug: article.slug });
    expect(await failure(other.api.comments.add.mutate({ slug: article.slug, body: 'hi' }))).toMatchObject({ code: 'NOT_FOUND' });
  });
});
