/**
 * The event bus: fans committed domain events out to this instance's subscribers, whichever
 * instance wrote them. Transports carry ids only; the bus reads the rows (coalescing bursts into
 * one query), drops ids it already delivered, and every few seconds sweeps the table for events
 * whose announcement was lost (a crash between commit and announce, a Redis outage).
 */
import { sql } from 'kysely';
import type { Logger } from 'pino';

import type { Database } from '../db/database.ts';
import type { DomainEvent, DomainEventType, StoredEvent } from './domain-events.ts';
import type { EventTransport } from './event-transports.ts';

export type EventListener = (event: StoredEvent) => void;

export interface ReplayFilter {
  types: readonly DomainEventType[];
  articleId?: string;
  recipientId?: string;
}

export interface EventBus {
  readonly transportName: EventTransport['name'];
  /** Tells every instance that these committed events exist. Call it after the commit. */
  announce(ids: readonly string[]): Promise<void>;
  /** Registers a listener for every delivered event; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /** Events after `afterId` still inside the replay window, oldest first. */
  replay(afterId: string, filter: ReplayFilter): Promise<StoredEvent[]>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface EventBusOptions {
  db: Database;
  transport: EventTransport;
  logger: Logger;
  replayWindowSeconds: number;
  /** How often lost announcements are looked for; 0 disables the sweep (tests of the transport). */
  sweepIntervalMs?: number;
}

/** Ids delivered in this long are remembered, so a late duplicate announcement is dropped. */
const deliveredMemoryMs = 60_000;
/** The sweep looks at events committed between 15 s and 2 s ago (younger ones are in flight). */
const sweepLookbackSeconds = 15;
const sweepGraceSeconds = 2;
const maxReplayEvents = 10_000;

/**
 * @example
 * const bus = createEventBus({ db, transport: createPostgresTransport(url, pool, logger), logger, replayWindowSeconds: 300 });
 * await bus.start();
 * const stop = bus.subscribe((event) => console.log(event.type, event.id));
 */
export function createEventBus(options: EventBusOptions): EventBus {
  const { db, transport, logger } = options;
  const listeners = new Set<EventListener>();
  const delivered = new Map<string, number>();
  const pending = new Set<string>();
  let flushScheduled = false;
  let timers: NodeJS.Timeout[] = [];

  function forget(now: number): void {
    for (const [id, at] of delivered) {
      if (now - at < deliveredMemoryMs) break; // Map keeps insertion order: the rest are younger.
      delivered.delete(id);
    }
  }

  function dispatch(events: StoredEvent[]): void {
    const now = Date.now();
    for (const event of events) {
      if (delivered.has(event.id)) continue;
      delivered.set(event.id, now);
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          logger.error({ err: error, eventId: event.id }, 'event listener failed');
        }
      }
    }
    forget(now);
  }

  async function flush(): Promise<void> {
    flushScheduled = false;
    const ids = [...pending].filter((id) => !delivered.has(id));
    pending.clear();
    if (ids.length === 0) return;
    try {
      const rows = await selectEvents(db).where('id', 'in', ids).orderBy('id').execute();
      dispatch(rows.map(toStoredEvent));
    } catch (error) {
      // The sweep will find them once the database answers again.
      logger.warn({ error: (error as Error).message, count: ids.length }, 'could not read announced events');
    }
  }

  function onIds(ids: string[]): void {
    for (const id of ids) pending.add(id);
    if (!flushScheduled && pending.size > 0) {
      flushScheduled = true;
      setImmediate(() => void flush());
    }
  }

  async function sweep(): Promise<void> {
    try {
      const rows = await db
        .selectFrom('events')
        .select('id')
        .where('createdAt', '>', sql<Date>`now() - make_interval(secs => ${sweepLookbackSeconds})`)
        .where('createdAt', '<', sql<Date>`now() - make_interval(secs => ${sweepGraceSeconds})`)
        .execute();
      const missed = rows.map((row) => String(row.id)).filter((id) => !delivered.has(id));
      if (missed.length > 0) {
        logger.warn({ count: missed.length }, 'delivering events whose announcement was lost');
        onIds(missed);
      }
    } catch (error) {
      logger.warn({ error: (error as Error).message }, 'event sweep failed');
    }
  }

  async function prune(): Promise<void> {
    // Twice the window: a replay started at the edge of the window still finds its rows.
    await db
      .deleteFrom('events')
      .where('createdAt', '<', sql<Date>`now() - make_interval(secs => ${options.replayWindowSeconds * 2})`)
      .execute()
      .catch((error: Error) => logger.warn({ error: error.message }, 'event pruning failed'));
  }

  return {
    transportName: transport.name,
    async announce(ids) {
      if (ids.length === 0) return;
      try {
        await transport.publish(ids);
      } catch (error) {
        // The change is committed and must not fail now; the sweep delivers these events late.
        logger.warn({ error: (error as Error).message, ids }, 'event announcement failed; the sweep will deliver it');
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async replay(afterId, filter) {
      let query = selectEvents(db)
        .where('id', '>', afterId)
        .where('type', 'in', [...filter.types])
        .where('createdAt', '>', sql<Date>`now() - make_interval(secs => ${options.replayWindowSeconds})`);
      if (filter.articleId !== undefined) query = query.where('articleId', '=', filter.articleId);
      if (filter.recipientId !== undefined) query = query.where('recipientId', '=', filter.recipientId);
      const rows = await query.orderBy('id').limit(maxReplayEvents).execute();
      return rows.map(toStoredEvent);
    },
    async start() {
      await transport.start(onIds);
      const sweepMs = options.sweepIntervalMs ?? 5_000;
      if (sweepMs > 0) timers.push(setInterval(() => void sweep(), sweepMs).unref());
      timers.push(setInterval(() => void prune(), 60_000).unref());
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      timers = [];
      listeners.clear();
      await transport.close();
    },
  };
}

function selectEvents(db: Database) {
  return db.selectFrom('events').select(['id', 'type', 'articleId', 'recipientId', 'payload', 'createdAt']);
}

function toStoredEvent(row: {
  id: string;
  type: string;
  articleId: string | null;
  recipientId: string | null;
  payload: unknown;
  createdAt: Date;
}): StoredEvent {
  // The CHECK on events.type and recordEvent() (the only writer) keep type and payload paired.
  return { ...row, id: String(row.id) } as unknown as DomainEvent & { id: string; createdAt: Date };
}
