/**
 * A typed Conduit API client. The server package is imported for its types only
 * (`import type`), so nothing of the server — Fastify, Kysely, pg, lucia — reaches a bundle;
 * tests/bundle.test.ts proves it.
 */
import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import type { AppRouter, RouterInputs, RouterOutputs } from 'conduit-api/client';
import superjson from 'superjson';

export type { AppRouter, RouterInputs, RouterOutputs };

export type ConduitClient = TRPCClient<AppRouter>;

export interface ConduitClientOptions {
  /** Server origin, e.g. `http://localhost:3000` (the client appends `/trpc`). */
  baseUrl: string;
  /** Extra headers on every request, e.g. `{ authorization: 'Bearer …' }`. */
  headers?: () => Record<string, string>;
}

/**
 * Builds a batching client whose procedures, inputs and outputs are inferred from `AppRouter`.
 *
 * @example
 * const api = createConduitClient({ baseUrl: 'http://localhost:3000' });
 * const { serverTime } = await api.health.ping.query({ echo: 'hi' }); // serverTime: Date
 */
export function createConduitClient(options: ConduitClientOptions): ConduitClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${options.baseUrl.replace(/\/+$/, '')}/trpc`,
        // The server speaks superjson: Dates, Maps and bigints arrive as themselves.
        transformer: superjson,
        headers: () => options.headers?.() ?? {},
      }),
    ],
  });
}
