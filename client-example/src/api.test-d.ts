/**
 * The client contract at the type level, checked by `npm run typecheck` (vitest --typecheck):
 * outputs are inferred from the server's router, and wrong calls do not compile.
 */
import { describe, expectTypeOf, it } from 'vitest';

import { createConduitClient, type RouterInputs, type RouterOutputs } from './api.ts';

const api = createConduitClient({ baseUrl: 'http://localhost:3000' });

describe('the typed client', () => {
  it('infers health.ping output, with superjson keeping Date a Date', () => {
    expectTypeOf(api.health.ping.query).returns.resolves.toEqualTypeOf<{ echo: string | null; serverTime: Date }>();
  });

  it('infers auth.me output from the server schema', () => {
    type Me = Awaited<ReturnType<typeof api.auth.me.query>>;
    expectTypeOf<Me>().toEqualTypeOf<RouterOutputs['auth']['me']>();
    expectTypeOf<Me['email']>().toEqualTypeOf<string>();
    expectTypeOf<Me['role']>().toEqualTypeOf<'user' | 'moderator' | 'admin'>();
  });

  it('types auth.login input from the server schema', () => {
    // Only the input is pinned here: the output may grow (e.g. a second-factor step).
    expectTypeOf<RouterInputs['auth']['login']>().toEqualTypeOf<{ login: string; password: string }>();
    expectTypeOf(api.auth.login.mutate).toBeCallableWith({ login: 'jake', password: 'secret' });
  });

  it('pins article outputs, with dates arriving as Date', () => {
    type Page = RouterOutputs['articles']['list'];
    expectTypeOf<Page['nextCursor']>().toEqualTypeOf<string | null>();
    expectTypeOf<Page['items'][number]['createdAt']>().toEqualTypeOf<Date>();
    expectTypeOf<Page['items'][number]['author']>().toEqualTypeOf<{ username: string; bio: string; image: string | null; following: boolean }>();
    // Lists leave the body out; the single article carries it.
    expectTypeOf<Page['items'][number]>().not.toHaveProperty('body');
    expectTypeOf<RouterOutputs['articles']['bySlug']['body']>().toEqualTypeOf<string>();
    expectTypeOf(api.articles.bySlug.query).returns.resolves.toEqualTypeOf<RouterOutputs['articles']['bySlug']>();
  });

  it('pins article and comment inputs, defaults optional on the way in', () => {
    expectTypeOf<RouterInputs['articles']['create']>().toEqualTypeOf<{
      title: string;
      description: string;
      body: string;
      tagList?: string[] | undefined;
      idempotencyKey?: string | undefined;
    }>();
    expectTypeOf<RouterInputs['comments']['add']>().toEqualTypeOf<{ slug: string; body: string; idempotencyKey?: string | undefined }>();
    expectTypeOf<RouterInputs['articles']['list']>().toHaveProperty('cursor').toEqualTypeOf<string | undefined>();
  });

  it('types the live comment stream, Dates included', () => {
    // What onData receives: a tracked envelope (its id resumes the stream) around the comment.
    type Envelope = RouterOutputs['comments']['onAdded'] extends AsyncIterable<infer Item> ? Item : never;
    expectTypeOf<Envelope['id']>().toEqualTypeOf<string>();
    expectTypeOf<Envelope['data']['body']>().toEqualTypeOf<string>();
    expectTypeOf<Envelope['data']['createdAt']>().toEqualTypeOf<Date>();
    expectTypeOf<Envelope['data']['author']['username']>().toEqualTypeOf<string>();
    expectTypeOf<RouterOutputs['comments']['list']['items'][number]['createdAt']>().toEqualTypeOf<Date>();
  });

  it('types sign-in as a session or a second-factor challenge', () => {
    type Login = RouterOutputs['auth']['login'];
    expectTypeOf<Extract<Login, { twoFactorRequired: false }>['token']>().toEqualTypeOf<string>();
    expectTypeOf<Extract<Login, { twoFactorRequired: true }>['expiresAt']>().toEqualTypeOf<Date>();
  });

  it('types personal access tokens, expiry nullable', () => {
    type Created = RouterOutputs['auth']['tokens']['create'];
    expectTypeOf<Created['token']>().toEqualTypeOf<string>();
    expectTypeOf<Created['expiresAt']>().toEqualTypeOf<Date | null>();
    expectTypeOf<RouterInputs['auth']['tokens']['create']['scopes']>().toEqualTypeOf<Array<'read' | 'write'>>();
  });

  it('rejects a wrong input type at compile time', () => {
    // @ts-expect-error `echo` is a string, not a number
    void api.health.ping.query({ echo: 42 });
    // @ts-expect-error `password` is required
    void api.auth.login.mutate({ login: 'jake' });
  });

  /* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access --
     a misspelt procedure has no type, which is the point of these lines */
  it('rejects a misspelt procedure at compile time', () => {
    // @ts-expect-error there is no `health.pong`
    void api.health.pong.query();
    // @ts-expect-error queries are not mutations
    void api.health.ping.mutate();
  });
  /* eslint-enable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access */
});
