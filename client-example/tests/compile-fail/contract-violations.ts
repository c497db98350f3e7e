/**
 * A client that gets the contract wrong, on purpose. Every marked line must fail to compile:
 * `tsc -p tsconfig.json` (part of `npm run typecheck`, which `npm test` runs first) reports an
 * unused `@ts-expect-error` if a server change ever made one of them valid — a renamed
 * procedure, a loosened input, a field that stopped being required.
 */
import { createConduitClient } from '../../src/api.ts';

const api = createConduitClient({ baseUrl: 'http://localhost:3000' });

/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access --
   a misspelt procedure has no type, which is the point of these lines */
export async function misspeltProcedures(): Promise<void> {
  // @ts-expect-error there is no `articles.lst`
  await api.articles.lst.query({});
  // @ts-expect-error comments are under `comments`, not `comment`
  await api.comment.add.mutate({ slug: 'a', body: 'b' });
  // @ts-expect-error `onAdded` is a subscription: it has no `query`
  await api.comments.onAdded.query({ slug: 'a' });
}
/* eslint-enable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access */

export async function wrongInputTypes(): Promise<void> {
  // @ts-expect-error `limit` is a number
  await api.articles.list.query({ limit: '20' });
  // @ts-expect-error `tagList` is an array of strings
  await api.articles.create.mutate({ title: 't', description: 'd', body: 'b', tagList: 'dragons' });
  // @ts-expect-error token scopes are 'read' | 'write'
  await api.auth.tokens.create.mutate({ name: 'ci', scopes: ['admin'] });
}

export async function missingRequiredFields(): Promise<void> {
  // @ts-expect-error `body` is required
  await api.articles.create.mutate({ title: 't', description: 'd' });
  // @ts-expect-error `slug` is required
  await api.comments.add.mutate({ body: 'b' });
  // @ts-expect-error `password` is required
  await api.auth.login.mutate({ login: 'jake' });
}
