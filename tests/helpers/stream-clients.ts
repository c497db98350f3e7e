/**
 * tRPC clients that subscribe over SSE (httpSubscriptionLink) or WebSocket (wsLink), and a
 * collector that records what a subscription delivers (ids included) for assertions.
 */
import { createTRPCClient, createWSClient, httpLink, httpSubscriptionLink, splitLink, wsLink, type TRPCClientError } from '@trpc/client';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import NodeWebSocket from 'ws';

import type { AppRouter } from '../../src/client.ts';

/** A base URL, or a function picking one per (re)connection (a test's stand-in for a load balancer). */
export type BaseUrl = string | (() => string);

const resolve = (baseUrl: BaseUrl) => (typeof baseUrl === 'string' ? baseUrl : baseUrl());

/**
 * @example const client = createSseClient(server.baseUrl, alice.token);
 * const events = collect((handlers) => client.notifications.onEvent.subscribe(undefined, handlers));
 */
export function createSseClient(baseUrl: BaseUrl, token?: string, extraHeaders: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...extraHeaders, ...(token && { authorization: `Bearer ${token}` }) };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: () => `${resolve(baseUrl)}/trpc`,
          transformer: superjson,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...headers } }),
          }),
        }),
        false: httpLink({ url: `${resolve(baseUrl)}/trpc`, transformer: superjson, headers }),
      }),
    ],
  });
}

/**
 * `headers` go on the upgrade request (a cookie, an Origin), which browsers' WebSocket cannot set.
 *
 * @example const { client, close } = createWsClient(server.baseUrl, alice.token);
 */
export function createWsClient(baseUrl: BaseUrl, token?: string, headers?: Record<string, string>) {
  const wsClient = createWSClient({
    url: () => `${resolve(baseUrl).replace(/^http/, 'ws')}/trpc`,
    ...(token && { connectionParams: { token } }),
    ...(headers && { WebSocket: webSocketWithHeaders(headers) }),
    retryDelayMs: () => 50,
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
  return { client, wsClient, close: () => wsClient.close() };
}

/** The `ws` package's client, which can send headers, in place of Node's global WebSocket. */
function webSocketWithHeaders(headers: Record<string, string>): typeof WebSocket {
  class WebSocketWithHeaders extends NodeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  // wsLink uses only the standard WebSocket surface, which `ws` implements; their types differ in detail.
  return WebSocketWithHeaders as unknown as typeof WebSocket;
}

export interface Collected<T> {
  items: Array<{ id: string; data: T }>;
  errors: Array<TRPCClientError<AppRouter>>;
  /** Resolves when the server acknowledged the subscription (first connection). */
  started: Promise<void>;
  unsubscribe(): void;
}

interface Handlers<T> {
  onStarted: () => void;
  onData: (envelope: { id: string; data: T }) => void;
  onError: (error: TRPCClientError<AppRouter>) => void;
}

/** Subscribes through `subscribe` and records every tracked event and error. */
export function collect<T>(subscribe: (handlers: Handlers<T>) => { unsubscribe(): void }): Collected<T> {
  const items: Array<{ id: string; data: T }> = [];
  const errors: Array<TRPCClientError<AppRouter>> = [];
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolveStarted) => (markStarted = resolveStarted));
  const subscription = subscribe({
    onStarted: () => markStarted(),
    onData: (envelope) => items.push(envelope),
    onError: (error) => errors.push(error),
  });
  return { items, errors, started, unsubscribe: () => subscription.unsubscribe() };
}
