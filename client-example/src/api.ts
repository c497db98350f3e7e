/**
 * A typed Conduit API client. The server package is imported for its types only
 * (`import type`), so nothing of the server — Fastify, Kysely, pg, lucia — reaches a bundle;
 * tests/bundle.test.ts proves it. The CLI (src/cli) and the page (src/web) both build on it.
 */
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, type TRPCClient } from '@trpc/client';
import type { AppRouter, RouterInputs, RouterOutputs } from 'conduit-api/client';
import superjson from 'superjson';

export type { AppRouter, RouterInputs, RouterOutputs };

export type ConduitClient = TRPCClient<AppRouter>;

export interface ConduitClientOptions {
  /** Server origin, e.g. `http://localhost:3000` (the client appends `/trpc`). */
  baseUrl: string;
  /** Extra headers on every query and mutation, e.g. `{ authorization: 'Bearer …' }`. */
  headers?: () => Record<string, string>;
  /**
   * The `EventSource` class subscriptions (Server-Sent Events) use. Browsers have one; Node 24
   * keeps its own behind a flag, so the CLI passes the `eventsource` package's class.
   */
  EventSource?: typeof globalThis.EventSource;
}

/**
 * Builds a client whose procedures, inputs and outputs are inferred from `AppRouter`: queries
 * and mutations are batched over HTTP, subscriptions stream over Server-Sent Events.
 *
 * @example
 * const api = createConduitClient({ baseUrl: 'http://localhost:3000' });
 * const { serverTime } = await api.health.ping.query({ echo: 'hi' }); // serverTime: Date
 * api.comments.onAdded.subscribe({ slug: 'hello' }, { onData: ({ data }) => console.log(data.body) });
 */
export function createConduitClient(options: ConduitClientOptions): ConduitClient {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        // The server speaks superjson: Dates, Maps and bigints arrive as themselves.
        true: httpSubscriptionLink({ url, transformer: superjson, ...(options.EventSource && { EventSource: options.EventSource }) }),
        false: httpBatchLink({ url, transformer: superjson, headers: () => options.headers?.() ?? {} }),
      }),
    ],
  });
}

/** The error payload the server attaches to every failure (see the README's error contract). */
export interface ServerErrorData {
  code: string;
  httpStatus: number;
  reason: string;
  requestId?: string;
  issues?: Array<{ path: string; message: string }>;
}

/**
 * Reads the server's error contract off a failed call, or `null` when the request never got an
 * answer from the server (unreachable, aborted, not a tRPC error).
 *
 * @example
 * try { await api.articles.bySlug.query({ slug }); }
 * catch (error) { const data = serverErrorOf(error); if (data?.code === 'NOT_FOUND') … }
 */
export function serverErrorOf(error: unknown): (ServerErrorData & { message: string }) | null {
  if (typeof error !== 'object' || error === null || !('data' in error)) return null;
  const data = error.data;
  if (typeof data !== 'object' || data === null || !('reason' in data) || !('code' in data)) return null;
  // The shape is the server's errorFormatter output (src/trpc/init.ts), checked field by field above.
  const contract = data as ServerErrorData;
  return { ...contract, message: error instanceof Error ? error.message : String(contract.reason) };
}
