/**
 * The one way a write path emits events: run the change in a transaction that also records its
 * events, then announce them once the transaction has committed. A rolled-back change never
 * announces anything (its event rows vanish with it).
 */
import type { Transaction } from 'kysely';

import type { Database } from '../db/database.ts';
import type { DB } from '../db/schema.ts';
import { recordEvent, type DomainEvent } from './domain-events.ts';
import type { EventBus } from './event-bus.ts';

export type EmitEvent = (event: DomainEvent) => Promise<void>;

/**
 * @example
 * const slug = await writeWithEvents(ctx, async (trx, emit) => {
 *   const id = await insertArticle(trx, input);
 *   await emit(await articlePublishedEvent(trx, id));
 *   return slug;
 * });
 */
export async function writeWithEvents<T>(
  deps: { db: Database; bus: EventBus },
  work: (trx: Transaction<DB>, emit: EmitEvent) => Promise<T>,
): Promise<T> {
  const eventIds: string[] = [];
  const result = await deps.db.transaction().execute((trx) =>
    work(trx, async (event) => {
      eventIds.push(await recordEvent(trx, event));
    }),
  );
  await deps.bus.announce(eventIds);
  return result;
}
