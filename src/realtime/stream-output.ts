/**
 * `.output()` for subscriptions: validates every event a stream yields against a zod schema
 * (tRPC v11 validates a subscription's output as one async iterable, so the item schema has
 * to be lifted). An event that fails validation ends the stream with INTERNAL, as a query would.
 */
import { isTrackedEnvelope, tracked, type TrackedEnvelope } from '@trpc/server';
import { z } from 'zod';

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * @example
 * onEvent: authedProcedure.output(trackedEvents(notificationOutput)).subscription(…)
 */
export function trackedEvents<Schema extends z.ZodType>(item: Schema) {
  return z
    .custom<AsyncIterable<TrackedEnvelope<z.input<Schema>>>>(isAsyncIterable)
    .transform(async function* (events): AsyncGenerator<TrackedEnvelope<z.output<Schema>>, void, unknown> {
      for await (const envelope of events) {
        if (!isTrackedEnvelope(envelope)) throw new Error('subscription yielded an event without an id');
        const [id, data] = envelope;
        yield tracked(id, await item.parseAsync(data));
      }
    });
}
