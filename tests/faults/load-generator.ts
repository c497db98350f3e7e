/**
 * A closed-loop load generator: `concurrency` loops each issue one call after another until
 * stopped, recording every call's outcome with its own request id, so a test can later decide
 * which failures the server had accepted (its log names the id) and which it never saw.
 */
import { randomBytes } from 'node:crypto';

export interface CallRecord {
  requestId: string;
  startedAt: number;
  endedAt: number;
  /** HTTP status, or 0 when no response arrived (refused, reset, timed out). */
  status: number;
  ok: boolean;
  /** Our error reason when the body carried one. */
  reason?: string;
  /** Node's network error code (ECONNREFUSED, ECONNRESET, …) when no response arrived. */
  networkError?: string;
  /** Whether the response carried `x-request-id`: our onRequest hook ran, so it was accepted. */
  wasAccepted: boolean;
  retryAfter?: string | null;
  data?: unknown;
}

export interface TrpcCall {
  path: string;
  input: unknown;
  headers?: Record<string, string>;
}

/**
 * One tRPC mutation over plain HTTP (superjson envelope without special types), bounded in time.
 *
 * @example const record = await callMutation(baseUrl, { path: 'auth.register', input });
 */
export async function callMutation(baseUrl: string, call: TrpcCall, timeoutMs = 15_000): Promise<CallRecord> {
  const requestId = `load-${randomBytes(8).toString('hex')}`;
  const startedAt = performance.now();
  try {
    const response = await fetch(`${baseUrl}/trpc/${call.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...call.headers },
      body: JSON.stringify({ json: call.input }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    const endedAt = performance.now();
    let body: { result?: { data?: { json?: unknown } }; error?: { json?: { data?: { reason?: string } } } } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Not JSON (e.g. Fastify's own 503 while closing): the status says enough.
    }
    const record: CallRecord = {
      requestId,
      startedAt,
      endedAt,
      status: response.status,
      ok: response.ok,
      wasAccepted: response.headers.get('x-request-id') === requestId,
      retryAfter: response.headers.get('retry-after'),
      data: body.result?.data?.json,
    };
    const reason = body.error?.json?.data?.reason;
    if (reason) record.reason = reason;
    return record;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return {
      requestId,
      startedAt,
      endedAt: performance.now(),
      status: 0,
      ok: false,
      wasAccepted: false,
      networkError: cause?.code ?? (error as Error).name,
    };
  }
}

export interface LoadRun {
  records: CallRecord[];
  /** Resolves once `predicate` holds over the records (checked after every call), or rejects after `timeoutMs`. */
  until(predicate: (records: CallRecord[]) => boolean, timeoutMs: number, what: string): Promise<void>;
  /** Stops every loop after its current call and returns all records. */
  stop(): Promise<CallRecord[]>;
}

/**
 * @example
 * const load = runLoad(8, (n) => callMutation(baseUrl, { path: 'auth.register', input: account(n) }));
 * await load.until((records) => records.filter((r) => r.ok).length >= 20, 10_000, '20 successes');
 * const records = await load.stop();
 */
export function runLoad(concurrency: number, makeCall: (sequence: number) => Promise<CallRecord>): LoadRun {
  const records: CallRecord[] = [];
  let isStopping = false;
  let sequence = 0;
  const waiters = new Set<() => void>();
  const loops = Array.from({ length: concurrency }, async () => {
    while (!isStopping) {
      const record = await makeCall(sequence++);
      records.push(record);
      for (const wake of waiters) wake();
      // Pacing, not waiting for an event: a refused connection returns at once, and a loop
      // retrying it flat out would only measure how fast it can spin.
      if (record.status === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  return {
    records,
    until(predicate, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(records)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop() {
      isStopping = true;
      await Promise.all(loops);
      return records;
    },
  };
}
