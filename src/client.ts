/**
 * The only module clients import from the server package: types, no runtime code.
 *
 * @example
 * import type { AppRouter, RouterOutputs } from 'conduit-api/client';
 * import { createTRPCClient, httpBatchLink } from '@trpc/client';
 * import superjson from 'superjson';
 *
 * const api = createTRPCClient<AppRouter>({
 *   links: [httpBatchLink({ url: 'http://localhost:3000/trpc', transformer: superjson })],
 * });
 * const pong: RouterOutputs['health']['ping'] = await api.health.ping.query({ echo: 'hi' });
 */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

import type { AppRouter } from './trpc/router.ts';

export type { AppRouter };
/** Input types of every procedure, e.g. `RouterInputs['health']['ping']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Output types of every procedure, e.g. `RouterOutputs['health']['ping']`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
