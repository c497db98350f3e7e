/**
 * Per-instance bookkeeping for open subscriptions: the limits (subscriptions per connection,
 * connections per user, or per IP for anonymous callers), the WebSocket send backlog used to
 * spot slow consumers, and the shutdown signal that ends every stream when the process stops.
 * Limits are per instance on purpose: they bound this process's memory, which is what they protect.
 */
import type { WebSocket } from 'ws';

import { AppError } from '../lib/errors.ts';

export interface SubscriptionHub {
  /** Counts a new stream, or throws TOO_MANY_SUBSCRIPTIONS; call the returned function when it ends. */
  open(stream: { userId: string | null; ip: string; connectionId: string }): () => void;
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
  SUBSCRIPTION_CONNECTIONS_PER_IP: number;
}

/**
 * @example
 * const hub = createSubscriptionHub(config);
 * const release = hub.open({ userId: user.id, ip: request.ip, connectionId: request.connectionId });
 * try { … } finally { release(); }
 */
export function createSubscriptionHub(limits: SubscriptionLimits): SubscriptionHub {
  const streamsByConnection = new Map<string, number>();
  // Per caller, its open streams on each of its connections. A caller is a user, or an IP when
  // anonymous (otherwise anonymous streams would have no cap at all). One WebSocket may carry
  // streams of several callers: its credential is re-checked on every call.
  const streamsByCaller = new Map<string, Map<string, number>>();
  const sockets = new Map<string, WebSocket>();
  const shutdown = new AbortController();
  let activeStreams = 0;

  return {
    open({ userId, ip, connectionId }) {
      const onConnection = streamsByConnection.get(connectionId) ?? 0;
      if (onConnection >= limits.SUBSCRIPTIONS_PER_CONNECTION) {
        throw new AppError('TOO_MANY_SUBSCRIPTIONS', `At most ${limits.SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection`);
      }
      const caller = userId === null ? `ip:${ip}` : `user:${userId}`;
      const callerStreams = streamsByCaller.get(caller) ?? new Map<string, number>();
      const callerLimit = userId === null ? limits.SUBSCRIPTION_CONNECTIONS_PER_IP : limits.SUBSCRIPTION_CONNECTIONS_PER_USER;
      if (!callerStreams.has(connectionId) && callerStreams.size >= callerLimit) {
        const per = userId === null ? 'anonymous streaming connections per IP' : 'streaming connections per user';
        throw new AppError('TOO_MANY_SUBSCRIPTIONS', `At most ${callerLimit} ${per}`);
      }
      streamsByConnection.set(connectionId, onConnection + 1);
      streamsByCaller.set(caller, callerStreams.set(connectionId, (callerStreams.get(connectionId) ?? 0) + 1));
      activeStreams++;
      let isReleased = false;
      return () => {
        if (isReleased) return;
        isReleased = true;
        activeStreams--;
        decrement(streamsByConnection, connectionId);
        const streams = streamsByCaller.get(caller);
        if (!streams) return;
        decrement(streams, connectionId);
        if (streams.size === 0) streamsByCaller.delete(caller);
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

/** One fewer under `key`; the key goes when none are left. */
function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}
