/**
 * Opens a subscription over Server-Sent Events with plain fetch (the wire format
 * httpSubscriptionLink speaks) and reports the server's first answer: an HTTP error, an error
 * event in the stream, a data event, or an open, quiet stream.
 */
import superjson from 'superjson';

export type SseFirstAnswer =
  | { kind: 'http-error'; status: number; body: unknown }
  | { kind: 'stream-error'; error: unknown }
  | { kind: 'data' }
  | { kind: 'open' };

interface SseEvent {
  event: string | undefined;
  data: string;
}

/** Splits complete events (blank-line terminated) off `buffer`; returns them and the rest. */
function takeEvents(buffer: string): { events: SseEvent[]; rest: string } {
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  const events = blocks
    .map((block) => block.split(/\r?\n/).filter((line) => line !== '' && !line.startsWith(':')))
    .filter((lines) => lines.length > 0)
    .map((lines) => ({
      event: lines.find((line) => line.startsWith('event:'))?.slice(6).trim(),
      data: lines
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n'),
    }));
  return { events, rest };
}

/**
 * Reads until the first event after tRPC's `connected`. A subscription that passed its input,
 * authorization and set-up (replay included) sends nothing until something happens, so an open
 * stream that stays quiet for `quietMs` counts as "open": that wait bounds the read and is no
 * assertion on speed (a late failure would still be logged and caught by the run's log check).
 *
 * @example const answer = await sseFirstAnswer(`${baseUrl}/trpc/comments.onAdded`, { slug }, {}, 100);
 */
export async function sseFirstAnswer(url: string, input: unknown, headers: Record<string, string>, quietMs: number): Promise<SseFirstAnswer> {
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  const controller = new AbortController();
  try {
    const response = await fetch(`${url}${query}`, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
    if (!response.ok || !response.body) return { kind: 'http-error', status: response.status, body: await response.json().catch(() => undefined) };
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let isConnected = false;
    for (;;) {
      const quiet = new Promise<'quiet'>((resolve) => setTimeout(resolve, quietMs, 'quiet'));
      const chunk = isConnected ? await Promise.race([reader.read(), quiet]) : await reader.read();
      if (chunk === 'quiet') return { kind: 'open' };
      if (chunk.done) return { kind: 'open' };
      const { events, rest } = takeEvents(buffer + chunk.value);
      buffer = rest;
      for (const event of events) {
        if (event.event === 'connected') isConnected = true;
        else if (event.event === 'serialized-error') return { kind: 'stream-error', error: superjson.parse(event.data) };
        else if (event.event === undefined) return { kind: 'data' };
      }
    }
  } finally {
    controller.abort();
  }
}
