/**
 * Serves the same tRPC router over WebSocket at `/trpc` (wsLink), next to HTTP and SSE. The
 * WebSocket adapter only sees the raw upgrade request; the context factory gets the Fastify
 * request (its id, its proxy-aware ip, its logger) through a WeakMap keyed by the raw one, and
 * the socket's server-generated connection id through another.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import websocket from '@fastify/websocket';
import type { AnyRouter } from '@trpc/server';
import { getWSConnectionHandler } from '@trpc/server/adapters/ws';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';

import type { Context, WebSocketContextOptions } from '../trpc/context.ts';
import { heartbeatIntervalMs, heartbeatTimeoutMs } from './heartbeat.ts';
import type { SubscriptionHub } from './subscription-hub.ts';

export interface WebSocketRouteOptions {
  router: AnyRouter;
  createContext: (options: WebSocketContextOptions) => Promise<Context>;
  subscriptions: SubscriptionHub;
  maxPayloadBytes: number;
  onError: (error: unknown) => void;
}

/** Close code 1012 "service restart": clients reconnect (to another instance behind the balancer). */
const serviceRestart = 1012;

/**
 * @example await registerWebSocketRoute(app, { router: appRouter, createContext, subscriptions, maxPayloadBytes, onError });
 */
export async function registerWebSocketRoute(app: FastifyInstance, options: WebSocketRouteOptions): Promise<void> {
  await app.register(websocket, { options: { maxPayload: options.maxPayloadBytes } });
  const fastifyRequests = new WeakMap<IncomingMessage, FastifyRequest>();
  // Generated here, not taken from the request id, which a client may choose (x-request-id).
  const connectionIds = new WeakMap<WebSocket, string>();
  const sockets = new Set<WebSocket>();
  const onConnection = getWSConnectionHandler({
    router: options.router,
    wss: app.websocketServer,
    keepAlive: { enabled: true, pingMs: heartbeatIntervalMs, pongWaitMs: heartbeatTimeoutMs },
    createContext: ({ req, res, info }) => {
      const request = fastifyRequests.get(req);
      const connectionId = connectionIds.get(res);
      if (!request || !connectionId) throw new Error('WebSocket connection without its upgrade request');
      return options.createContext({ req: request, res, info, connectionId });
    },
    onError: ({ error }) => options.onError(error),
  });

  // Sockets stay open for hours: the subscription limits cap them, not the in-flight cap.
  app.get('/trpc', { websocket: true, config: { isLongLived: true } }, (socket, request) => {
    fastifyRequests.set(request.raw, request);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const connectionId = `ws:${randomUUID()}`;
    connectionIds.set(socket, connectionId);
    options.subscriptions.trackSocket(connectionId, socket);
    onConnection(socket, request.raw);
  });

  // On shutdown, tell every client to reconnect (wsLink resubscribes with its last event ids)
  // and close the sockets, so the server's close does not wait for them.
  options.subscriptions.shutdownSignal.addEventListener('abort', () => {
    const reconnect = JSON.stringify({ id: null, method: 'reconnect' });
    for (const socket of sockets) {
      socket.send(reconnect);
      socket.close(serviceRestart, 'server shutting down');
    }
  });
}
