/**
 * The Prometheus metrics of one app instance (a registry per app, so tests can build many apps
 * in one process). Default Node metrics cover event-loop delay, heap, GC and file descriptors;
 * the rest are ours. Names and labels are listed in docs/operations.md — keep them in sync.
 */
import type pg from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds; from a fast cached read to the statement timeout. */
const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface AppMetrics {
  registry: Registry;
  /** Every HTTP request by route pattern (never the raw URL: it would explode cardinality). */
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** Every tRPC procedure call (a batch counts each call) by procedure, type and status. */
  procedureDuration: Histogram<'procedure' | 'type' | 'status_code'>;
  /** Failed procedure calls by stable error reason. */
  procedureErrors: Counter<'procedure' | 'reason'>;
  /** Every SQL statement Kysely ran, by outcome. */
  queryDuration: Histogram<'outcome'>;
  /** Requests refused by load shedding, by the threshold that tripped. */
  loadShed: Counter<'cause'>;
  /** Reports the pool's live counts at scrape time. */
  observePool(pool: pg.Pool): void;
}

/**
 * @example
 * const metrics = createMetrics();
 * metrics.httpRequestDuration.observe({ method: 'GET', route: '/readyz', status_code: '200' }, 0.003);
 * const text = await metrics.registry.metrics();
 */
export function createMetrics(): AppMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'conduit-api' });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const registers = [registry];

  const pools: pg.Pool[] = [];
  const poolGauge = (name: string, help: string, read: (pool: pg.Pool) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(pools.reduce((sum, pool) => sum + read(pool), 0));
      },
    });
  poolGauge('conduit_db_pool_connections', 'Open connections in the database pool', (pool) => pool.totalCount);
  poolGauge('conduit_db_pool_idle_connections', 'Idle connections in the database pool', (pool) => pool.idleCount);
  poolGauge('conduit_db_pool_waiting_requests', 'Callers queued for a database connection', (pool) => pool.waitingCount);

  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'conduit_http_request_duration_seconds',
      help: 'HTTP requests by route pattern and status (the _count is the request count)',
      labelNames: ['method', 'route', 'status_code'],
      buckets: latencyBuckets,
      registers,
    }),
    procedureDuration: new Histogram({
      name: 'conduit_trpc_procedure_duration_seconds',
      help: 'tRPC procedure calls by procedure, type and HTTP status',
      labelNames: ['procedure', 'type', 'status_code'],
      buckets: latencyBuckets,
      registers,
    }),
    procedureErrors: new Counter({
      name: 'conduit_trpc_errors_total',
      help: 'Failed tRPC calls by procedure and stable error reason',
      labelNames: ['procedure', 'reason'],
      registers,
    }),
    queryDuration: new Histogram({
      name: 'conduit_db_query_duration_seconds',
      help: 'SQL statements by outcome (ok or error)',
      labelNames: ['outcome'],
      buckets: latencyBuckets,
      registers,
    }),
    loadShed: new Counter({
      name: 'conduit_load_shed_total',
      help: 'Requests refused with 503 by load shedding, by tripped threshold',
      labelNames: ['cause'],
      registers,
    }),
    observePool(pool) {
      pools.push(pool);
    },
  };
}

/**
 * Subscriptions (SSE or WebSocket streams) open on this instance, read from the hub at scrape
 * time so the gauge can never drift from the hub's own count.
 *
 * @example observeSubscriptions(metrics, deps.subscriptions);
 */
export function observeSubscriptions(metrics: AppMetrics, hub: { readonly activeStreams: number }): void {
  new Gauge({
    name: 'conduit_subscriptions_open',
    help: 'Subscriptions (SSE or WebSocket streams) open on this instance',
    registers: [metrics.registry],
    collect() {
      this.set(hub.activeStreams);
    },
  });
}
