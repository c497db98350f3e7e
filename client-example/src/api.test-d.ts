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
