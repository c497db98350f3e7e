/** Bounded polling for tests that wait on an outside effect (a log line, a metric, a process). */

/**
 * Calls `probe` until it returns a value other than `undefined`, or fails after `timeoutMs`.
 *
 * @example const line = await eventually(() => logs.find((l) => l.msg === 'slow query'), 5_000);
 */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * The value of one Prometheus sample, whatever the order of its labels; undefined when absent.
 *
 * @example sampleValue(text, 'conduit_trpc_errors_total', { reason: 'UNAVAILABLE' })
 */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) total = (total ?? 0) + Number(match[3]);
  }
  return total;
}
