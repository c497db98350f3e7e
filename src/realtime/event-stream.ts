/**
 * One subscriber's stream of events, as a tRPC subscription body (an async generator of
 * `tracked(id, data)`). It replays what a reconnecting client missed (after its last event id,
 * within the replay window) and then follows live events, without duplicates; it keeps at most
 * SUBSCRIPTION_QUEUE_LIMIT events waiting for a slow client, then cuts it off (the client
 * reconnects and replays); it re-checks its credential (session or access token) and ends when
 * that is revoked; and it ends with a retryable error when the instance shuts down, so the
 * client moves elsewhere.
 */
import { tracked, type TrackedEnvelope } from '@trpc/server';

import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Authentication } from '../features/auth/authenticate.ts';
import { AppError } from '../lib/errors.ts';
import type { StoredEvent } from './domain-events.ts';
import type { EventBus, ReplayFilter } from './event-bus.ts';
import type { SubscriptionHub } from './subscription-hub.ts';

/** What a stream needs from the procedure's context. */
export interface EventStreamContext {
  db: Database;
  bus: EventBus;
  subscriptions: SubscriptionHub;
  config: Pick<Config, 'SUBSCRIPTION_QUEUE_LIMIT' | 'SUBSCRIPTION_SESSION_RECHECK_MS'>;
  auth: Authentication | null;
  request: { connectionId: string; ip: string };
}

export interface EventStreamOptions<T> {
  /** tRPC's per-subscription signal: aborted when the client unsubscribes or disconnects. */
  signal: AbortSignal | undefined;
  /** The `lastEventId` input tRPC fills in on reconnect (SSE `Last-Event-ID`, or wsLink's). */
  lastEventId: string | null | undefined;
  /** The stored events this stream may replay (an index-backed subset of `matches`). */
  replay: ReplayFilter;
  /** Whether a live event belongs to this stream (authorization included). */
  matches(event: StoredEvent): boolean;
  /**
   * The client's view of an event; null skips it. `isReplay`: the event may be minutes old, so
   * what it announced may since have been undone (a removed comment); a live one is just committed.
   */
  render(event: StoredEvent, delivery: { isReplay: boolean }): T | null | Promise<T | null>;
}

/** A WebSocket whose unsent data exceeds this is a slow consumer, like an overflowing queue. */
const socketBacklogLimitBytes = 4 * 1024 * 1024;
/** How many sent event ids a stream remembers to drop repeated announcements (a few minutes of traffic). */
const maxRememberedIds = 10_000;

/**
 * @example
 * onAdded: publicProcedure.input(z.object({ slug, lastEventId })).subscription(({ ctx, input, signal }) =>
 *   streamEvents(ctx, { signal, lastEventId: input.lastEventId, replay: { types: ['comment.added'], articleId },
 *     matches: (event) => event.type === 'comment.added' && event.articleId === articleId,
 *     render: (event) => event.payload }));
 */
export async function* streamEvents<T>(
  ctx: EventStreamContext,
  options: EventStreamOptions<T>,
): AsyncGenerator<TrackedEnvelope<T>, void, unknown> {
  const release = ctx.subscriptions.open({ userId: ctx.auth?.user.id ?? null, ip: ctx.request.ip, connectionId: ctx.request.connectionId });
  const queue: StoredEvent[] = [];
  let hasOverflowed = false;
  let isRecheckDue = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };

  // Listen before reading the replay, so nothing committed in between is missed.
  const unsubscribe = ctx.bus.subscribe((event) => {
    if (hasOverflowed || !options.matches(event)) return;
    if (queue.length >= ctx.config.SUBSCRIPTION_QUEUE_LIMIT) hasOverflowed = true;
    else queue.push(event);
    poke();
  });
  const { shutdownSignal } = ctx.subscriptions;
  shutdownSignal.addEventListener('abort', poke);
  options.signal?.addEventListener('abort', poke);
  const recheck = ctx.auth
    ? setInterval(() => {
        isRecheckDue = true;
        poke();
      }, ctx.config.SUBSCRIPTION_SESSION_RECHECK_MS)
    : undefined;

  try {
    // Ids already sent (replayed or live), so a late or repeated announcement (the NOTIFY of an
    // event the replay already covered, the lost-announcement sweep) is never sent twice.
    const delivered = new Set<string>();
    const markDelivered = (id: string) => {
      delivered.add(id);
      if (delivered.size > maxRememberedIds) delivered.delete(delivered.values().next().value as string);
    };
    // Everything up to the client's last event id is, by its own account, already seen.
    const seenUpTo = eventIdOf(options.lastEventId);
    if (seenUpTo !== null) {
      for (const event of await ctx.bus.replay(seenUpTo.toString(), options.replay)) {
        if (!options.matches(event)) continue;
        markDelivered(event.id);
        const data = await options.render(event, { isReplay: true });
        if (data !== null) yield tracked(event.id, data);
      }
    }
    for (;;) {
      if (options.signal?.aborted) return;
      if (shutdownSignal.aborted) throw new AppError('UNAVAILABLE', 'This server is shutting down; reconnect to continue');
      if (hasOverflowed || ctx.subscriptions.backlogBytes(ctx.request.connectionId) > socketBacklogLimitBytes) {
        throw new AppError('SUBSCRIBER_TOO_SLOW', 'Events arrived faster than this client read them; reconnect with the last event id');
      }
      // Sessions and personal access tokens alike: a token stream outlives its revocation otherwise.
      if (isRecheckDue && ctx.auth) {
        isRecheckDue = false;
        await assertCredentialStillValid(ctx.db, ctx.auth);
      }
      const event = queue.shift();
      if (!event) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (delivered.has(event.id) || (seenUpTo !== null && BigInt(event.id) <= seenUpTo)) continue;
      markDelivered(event.id);
      const data = await options.render(event, { isReplay: false });
      if (data !== null) yield tracked(event.id, data);
    }
  } finally {
    unsubscribe();
    clearInterval(recheck);
    shutdownSignal.removeEventListener('abort', poke);
    options.signal?.removeEventListener('abort', poke);
    release();
  }
}

/** `events.id` is a PostgreSQL bigint. */
const maxEventId = 2n ** 63n - 1n;

/**
 * The client's last event id as a number, or null when it cannot be one of ours (not digits, or
 * past the bigint range: PostgreSQL would refuse the comparison, which answered 500 — found by
 * the subscription fuzzing). Such a client simply gets no replay.
 */
function eventIdOf(lastEventId: string | null | undefined): bigint | null {
  if (!lastEventId || !/^\d{1,20}$/.test(lastEventId)) return null;
  const id = BigInt(lastEventId);
  return id <= maxEventId ? id : null;
}

/** A stream outlives the request that authenticated it: sign-out, revocation, expiry or suspension end it. */
async function assertCredentialStillValid(db: Database, auth: Authentication): Promise<void> {
  const now = new Date();
  const live = auth.session
    ? await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.userId')
        .select('sessions.id')
        .where('sessions.id', '=', auth.session.id)
        .where('sessions.expiresAt', '>', now)
        .where('users.suspendedAt', 'is', null)
        .executeTakeFirst()
    : await db
        .selectFrom('personalAccessTokens')
        .innerJoin('users', 'users.id', 'personalAccessTokens.userId')
        .select('personalAccessTokens.id')
        .where('personalAccessTokens.id', '=', auth.accessTokenId ?? '')
        .where((eb) => eb.or([eb('personalAccessTokens.expiresAt', 'is', null), eb('personalAccessTokens.expiresAt', '>', now)]))
        .where('users.suspendedAt', 'is', null)
        .executeTakeFirst();
  if (!live) throw new AppError('SESSION_EXPIRED', 'The credential behind this stream has ended; sign in again');
}
