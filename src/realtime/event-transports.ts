/**
 * How instances tell each other "events N, M were committed": PostgreSQL LISTEN/NOTIFY (the
 * default, nothing extra to run) or Redis pub/sub (when REDIS_URL is set). Only ids travel, so
 * a message stays far below NOTIFY's 8,000-byte payload limit; subscribers read the rows.
 * Both are at-most-once: the bus's catch-up sweep covers a message lost in an outage.
 */
import pg from 'pg';
import type { Logger } from 'pino';

import { createRedis } from '../lib/redis.ts';

export interface EventTransport {
  readonly name: 'postgres' | 'redis';
  /** Starts listening; `onIds` gets every announced id, from every instance including this one. */
  start(onIds: (ids: string[]) => void): Promise<void>;
  publish(ids: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** NOTIFY payloads must stay under 8,000 bytes; ids are ≤ 20 digits, so 300 per message is safe. */
const idsPerMessage = 300;

function chunks(ids: readonly string[]): string[] {
  const messages: string[] = [];
  for (let start = 0; start < ids.length; start += idsPerMessage) {
    messages.push(ids.slice(start, start + idsPerMessage).join(','));
  }
  return messages;
}

function parseIds(message: string): string[] {
  return message.split(',').filter((id) => /^\d{1,20}$/.test(id));
}

export const postgresEventChannel = 'conduit_events';

/**
 * LISTEN on a dedicated connection (a pooled one would be handed to other queries), re-opened
 * with back-off when it drops; NOTIFY through the pool.
 *
 * @example const transport = createPostgresTransport(connectionString, pool, logger);
 */
export function createPostgresTransport(connectionString: string, pool: pg.Pool, logger: Logger): EventTransport {
  let listener: pg.Client | undefined;
  let isClosed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;

  async function connect(onIds: (ids: string[]) => void, attempt: number): Promise<void> {
    const client = new pg.Client({ connectionString, application_name: 'conduit-api:events' });
    client.on('notification', (message) => {
      if (message.channel === postgresEventChannel && message.payload) onIds(parseIds(message.payload));
    });
    client.on('error', (error) => {
      logger.warn({ error: error.message }, 'event listener connection failed; reconnecting');
      scheduleReconnect(onIds, 1);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${postgresEventChannel}`);
      listener = client;
      if (attempt > 1) logger.info('event listener reconnected');
    } catch (error) {
      await client.end().catch(() => {});
      if (attempt === 0) throw error;
      logger.warn({ error: (error as Error).message, attempt }, 'event listener cannot connect yet');
      scheduleReconnect(onIds, attempt + 1);
    }
  }

  function scheduleReconnect(onIds: (ids: string[]) => void, attempt: number): void {
    if (isClosed || reconnectTimer) return;
    const old = listener;
    listener = undefined;
    void old?.end().catch(() => {});
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect(onIds, attempt);
    }, Math.min(attempt * 200, 2_000));
  }

  return {
    name: 'postgres',
    start: (onIds) => connect(onIds, 0),
    async publish(ids) {
      for (const message of chunks(ids)) {
        await pool.query('SELECT pg_notify($1, $2)', [postgresEventChannel, message]);
      }
    },
    async close() {
      isClosed = true;
      clearTimeout(reconnectTimer);
      await listener?.end().catch(() => {});
    },
  };
}

/**
 * PUBLISH on the shared connection, SUBSCRIBE on a dedicated one (a subscribed Redis connection
 * can do nothing else); ioredis re-subscribes by itself after a reconnect.
 *
 * @example const transport = createRedisTransport(config.REDIS_URL, `${config.REDIS_KEY_PREFIX}events`, logger);
 */
export function createRedisTransport(url: string, channel: string, logger: Logger): EventTransport {
  const publisher = createRedis(url, logger, 'events-publish');
  // We resubscribe ourselves: ioredis' own resubscription leaves its SUBSCRIBE promise without a
  // handler, so closing while a reconnect is under way crashed the process with an unhandled
  // "Connection is closed." rejection (seen in CI, tests/realtime/rate-limits.test.ts).
  const subscriber = createRedis(url, logger, 'events-subscribe', { queueWhileOffline: true, autoResubscribe: false });
  return {
    name: 'redis',
    async start(onIds) {
      subscriber.on('message', (from: string, message: string) => {
        if (from === channel) onIds(parseIds(message));
      });
      await subscriber.subscribe(channel);
      // Every later 'ready' is a reconnection; the first one has already happened.
      subscriber.on('ready', () => {
        subscriber.subscribe(channel).catch((error: unknown) => {
          logger.warn({ error: (error as Error).message }, 'event subscriber could not resubscribe; the next reconnect retries');
        });
      });
    },
    async publish(ids) {
      for (const message of chunks(ids)) await publisher.publish(channel, message);
    },
    async close() {
      subscriber.disconnect();
      publisher.disconnect();
      await Promise.resolve();
    },
  };
}
