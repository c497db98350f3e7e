/**
 * One heartbeat for both streaming transports: SSE sends a ping comment and WebSocket a ping
 * frame after this much quiet. 15 s stays under the 30-60 s idle timeouts of common proxies.
 */
export const heartbeatIntervalMs = 15_000;
/** A WebSocket that does not answer a ping within this is closed (its streams end). */
export const heartbeatTimeoutMs = 10_000;
