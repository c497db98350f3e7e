/**
 * Per-instance bookkeeping for open subscriptions: the limits (subscriptions per connection,
 * connections per user), the WebSocket send backlog used to spot slow consumers, and the
 * shutdown signal that ends every stream when the process stops. Limits are per instance on
 * purpose: they bound this process's memory, which is what they protect.
 */
import type { WebSocket } from 'ws';

import { AppError } from '../lib/errors.ts';

export interface SubscriptionHub {
  /** Counts a new stream, or throws TOO_MANY_SUBSCRIPTIONS; call the returned function when it ends. */
  open(stream: { userId: string | null; connectionId: string }): () => void;
  /** Remembers a WebSocket so streams on it can see how much is waiting to be sent. */
  trackSocket(connectionId: string, socket: WebSocket): void;
  /** Bytes queued on the connection's socket and not yet sent (0 for SSE: it has backpressure). */
  backlogBytes(connectionId: string): number;
  readonly activeStreams: number;
  /** Aborted when the process shuts down: every stream ends and its client reconnects elsewhere. */
  readonly shutdownSignal: AbortSignal;
  shutdown(): void;
}

export interface SubscriptionLimits {
  SUBSCRIPTIONS_PER_CONNECTION: number;
  SUBSCRIPTION_CONNECTIONS_PER_USER: number;
}

/**
 * @example
 * const hub = createSubscriptionHub(config);
 * const release = hub.open({ userId: user.id, connectionId: request.connectionId });
 * try { … } finally { release(); }
 */
export function createSubscriptionHub(limits: SubscriptionLimits): SubscriptionHub {
  const streamsByConnection = new Map<string, number>();
  const connectionsByUser = new Map<string, Set<string>>();
  const sockets = new Map<string, WebSocket>();
  const shutdown = new AbortController();
  let activeStreams = 0;

  return {
    open({ userId, connectionId }) {
      const onConnection = streamsByConnection.get(connectionId) ?? 0;
      if (onConnection >= limits.SUBSCRIPTIONS_PER_CONNECTION) {
        throw new AppError('TOO_MANY_SUBSCRIPTIONS', `At most ${limits.SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection`);
      }
      const userConnections = userId === null ? undefined : (connectionsByUser.get(userId) ?? new Set<string>());
      if (userConnections && !userConnections.has(connectionId) && userConnections.size >= limits.SUBSCRIPTION_CONNECTIONS_PER_USER) {
        throw new AppError('TOO_MANY_SUBSCRIPTIONS', `At most ${limits.SUBSCRIPTION_CONNECTIONS_PER_USER} streaming connections per user`);
      }
      streamsByConnection.set(connectionId, onConnection + 1);
      if (userId !== null && userConnections) connectionsByUser.set(userId, userConnections.add(connectionId));
      activeStreams++;
      let isReleased = false;
      return () => {
        if (isReleased) return;
        isReleased = true;
        activeStreams--;
        const left = (streamsByConnection.get(connectionId) ?? 1) - 1;
        if (left > 0) {
          streamsByConnection.set(connectionId, left);
          return;
        }
        streamsByConnection.delete(connectionId);
        if (userId === null) return;
        const connections = connectionsByUser.get(userId);
        connections?.delete(connectionId);
        if (connections?.size === 0) connectionsByUser.delete(userId);
      };
    },
    trackSocket(connectionId, socket) {
      sockets.set(connectionId, socket);
      // Only this socket's own entry: a close must never untrack another socket's.
      socket.once('close', () => {
        if (sockets.get(connectionId) === socket) sockets.delete(connectionId);
      });
    },
    backlogBytes: (connectionId) => sockets.get(connectionId)?.bufferedAmount ?? 0,
    get activeStreams() {
      return activeStreams;
    },
    shutdownSignal: shutdown.signal,
    shutdown: () => shutdown.abort(),
  };
}
