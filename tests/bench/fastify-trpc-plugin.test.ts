/**
 * The single-query fast path must answer exactly as tRPC's own handler does. tRPC answers a
 * batch of one through `resolveResponse`; the fast path answers the same call unbatched. Same
 * status, same body (the batch's only element), same wire format.
 */
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
let reader: TestAccount;

beforeAll(async () => {
  server = await startTestServer();
  reader = await registerAccount(server);
});
afterAll(() => server.close());

interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
}

/** Request ids and clocks differ between two requests; everything else must not. */
function normalise(body: unknown): unknown {
  return JSON.parse(
    JSON.stringify(body)
      .replace(/"requestId":"[^"]*"/g, '"requestId":"…"')
      .replace(/"serverTime":"[^"]*"/g, '"serverTime":"…"'),
  );
}

async function get(path: string, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(`${server.baseUrl}${path}`, { headers });
  return { status: response.status, contentType: response.headers.get('content-type'), body: normalise(await response.json()) };
}

async function fastAndStock(procedure: string, input: unknown, headers: Record<string, string> = {}) {
  const encoded = input === undefined ? undefined : superjson.serialize(input);
  const fast = await get(`/trpc/${procedure}${encoded ? `?input=${encodeURIComponent(JSON.stringify(encoded))}` : ''}`, headers);
  const batchInput = encodeURIComponent(JSON.stringify(encoded ? { 0: encoded } : {}));
  const stock = await get(`/trpc/${procedure}?batch=1&input=${batchInput}`, headers);
  return { fast, stock: { ...stock, body: (stock.body as unknown[])[0] } };
}

describe('single GET queries', () => {
  const cases: Array<[string, string, unknown, boolean]> = [
    ['a query without input', 'health.ping', undefined, false],
    ['a query with input and a Date in its output', 'health.ping', { echo: 'hello' }, false],
    ['invalid input', 'health.ping', { echo: 'x'.repeat(500) }, false],
    ['a missing article', 'articles.bySlug', { slug: 'no-such-article' }, false],
    ['a malformed cursor', 'articles.list', { cursor: 'not-a-cursor' }, false],
    ['an anonymous call to a signed-in query', 'articles.feed', {}, false],
    ['a signed-in query', 'articles.feed', {}, true],
    ['a signed-in list', 'articles.list', { limit: 5 }, true],
  ];

  it.each(cases)('answers %s exactly as tRPC does', async (_name, procedure, input, isSignedIn) => {
    const headers = isSignedIn ? { authorization: `Bearer ${reader.token}` } : {};
    const { fast, stock } = await fastAndStock(procedure, input, headers);
    expect(fast).toEqual(stock);
  });

  it('returns superjson that superjson itself reads back', async () => {
    const { fast } = await fastAndStock('health.ping', { echo: 'dates' });
    const data = superjson.deserialize<{ echo: string; serverTime: unknown }>(
      (fast.body as { result: { data: Parameters<typeof superjson.deserialize>[0] } }).result.data,
    );
    expect(data.echo).toBe('dates');
  });
});

describe('requests the fast path leaves to tRPC', () => {
  it('refuses a mutation sent as GET as tRPC does', async () => {
    const answer = await get('/trpc/auth.logout', {});
    expect(answer.status).toBe(405);
  });

  it('answers malformed input JSON with a client error', async () => {
    const answer = await get('/trpc/health.ping?input=%7Bnot-json', {});
    expect(answer.status).toBe(400);
  });

  it('answers an unknown procedure with 404', async () => {
    const answer = await get('/trpc/nothing.here', {});
    expect(answer.status).toBe(404);
  });
});
