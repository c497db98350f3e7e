/** Shared pieces of the domain tests: error extraction and article factories. */
import { TRPCClientError } from '@trpc/client';
import { expect } from 'vitest';

import type { AppRouter } from '../../src/client.ts';
import type { TestAccount } from '../helpers/accounts.ts';
import type { TestServer } from '../helpers/test-server.ts';

/** The error contract (`data`) of a call that must fail. */
export async function failure(promise: Promise<unknown>) {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(TRPCClientError);
  return (error as TRPCClientError<AppRouter>).data;
}

let articleNumber = 0;

/** @example const article = await createArticle(alice, { tagList: ['dragons'] }); */
export function createArticle(author: TestAccount, overrides: Partial<{ title: string; description: string; body: string; tagList: string[] }> = {}) {
  articleNumber += 1;
  return author.api.articles.create.mutate({
    title: overrides.title ?? `Article ${articleNumber} ${Math.random().toString(36).slice(2, 8)}`,
    description: overrides.description ?? 'A description',
    body: overrides.body ?? 'A body',
    tagList: overrides.tagList ?? [],
  });
}

/** Gives `account` a role directly in the database (no API may do that but admin.users.setRole). */
export async function setRole(server: TestServer, account: TestAccount, role: 'user' | 'moderator' | 'admin'): Promise<void> {
  await server.db.updateTable('users').set({ role }).where('id', '=', account.id).execute();
}
