/**
 * The process environment, validated once at start-up. Every other module receives a typed
 * `Config` object; only this file reads `process.env` (see STYLE.md, habit 6).
 */
import { fileURLToPath } from 'node:url';

import { z } from 'zod';

const booleanFromString = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const commaSeparatedList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

/** `<points>/<seconds>`, e.g. `120/60`: 120 requests per 60 seconds (real-time feature). */
const rateLimitSpec = z
  .string()
  .regex(/^\d{1,7}\/\d{1,6}$/, 'expected <points>/<seconds>, e.g. 120/60')
  .transform((value) => {
    const [points, seconds] = value.split('/').map(Number);
    return { points: points ?? 0, seconds: seconds ?? 0 };
  })
  .pipe(z.object({ points: z.number().int().min(1), seconds: z.number().int().min(1) }));

/** Each variable, its type, its default and its limits. The README's config table mirrors this. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: an embedded PostgreSQL is started in EMBEDDED_PG_DIR. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  EMBEDDED_PG_DIR: z.string().min(1).default('.data/postgres'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65_535).default(54_329),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  DB_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  MIGRATE_ON_START: booleanFromString.default(true),
  CORS_ORIGINS: commaSeparatedList.default([]),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(50 * 1024 * 1024).default(1024 * 1024),
  TRPC_MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  // Real-time, rate limits and scale-out (see README "Running more than one instance").
  /** Unset: events fan out through PostgreSQL LISTEN/NOTIFY and rate limits are per instance. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Prefix of every Redis key and channel this deployment uses (one Redis can serve several). */
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default('conduit:'),
  /** Unset: every procedure reads from DATABASE_URL. */
  DATABASE_READ_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** `off` disables every rate limit (benchmarks, local load tests); a warning is logged. */
  RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  /** `<points>/<seconds>` per IP for anonymous mutations (sign-in, registration, resets). */
  RATE_LIMIT_AUTH: rateLimitSpec.default({ points: 20, seconds: 60 }),
  /** `<points>/<seconds>` per user for signed-in mutations. */
  RATE_LIMIT_WRITE: rateLimitSpec.default({ points: 120, seconds: 60 }),
  /** `<points>/<seconds>` per user (or per IP when anonymous) for queries and subscriptions. */
  RATE_LIMIT_READ: rateLimitSpec.default({ points: 1200, seconds: 60 }),
  /** `<points>/<seconds>` per email address for requests that mail it (password reset, verification code). */
  RATE_LIMIT_EMAIL: rateLimitSpec.default({ points: 5, seconds: 900 }),
  /** Proxies (IPs or CIDRs) whose X-Forwarded-For is believed; empty: the socket address is the client. */
  TRUSTED_PROXIES: commaSeparatedList.default([]),
  /** How long a reconnecting subscriber can be behind and still get every event it missed. */
  EVENTS_REPLAY_WINDOW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(1_000).default(20),
  SUBSCRIPTION_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).max(1_000).default(10),
  /** Anonymous streaming connections per client IP (several people may share one behind a NAT). */
  SUBSCRIPTION_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).max(100_000).default(50),
  /** Events buffered for one subscriber before it is cut off as too slow (it reconnects and replays). */
  SUBSCRIPTION_QUEUE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(1_000),
  /** How often an open stream re-checks its session; a revoked session ends the stream. */
  SUBSCRIPTION_SESSION_RECHECK_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  // Operability (faults): metrics, slow logs, load shedding, pool queue bound. docs/operations.md.
  /** Bearer token for GET /metrics. Unset: open outside production, not served in production. */
  METRICS_TOKEN: z.string().min(16).optional(),
  SLOW_REQUEST_MS: z.coerce.number().int().min(1).max(600_000).default(1_000),
  SLOW_QUERY_MS: z.coerce.number().int().min(1).max(600_000).default(500),
  /** Requests waiting for a pool connection beyond this many get 503 UNAVAILABLE at once. */
  DB_POOL_MAX_WAITING: z.coerce.number().int().min(0).max(100_000).default(200),
  /** Load shedding thresholds (0 turns a check off); sampled every OVERLOAD_SAMPLE_INTERVAL_MS. */
  OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  OVERLOAD_MAX_EVENT_LOOP_UTILIZATION: z.coerce.number().min(0).max(1).default(0),
  OVERLOAD_MAX_HEAP_USED_BYTES: z.coerce.number().int().min(0).default(0),
  OVERLOAD_MAX_RSS_BYTES: z.coerce.number().int().min(0).default(0),
  /** Requests being served at once beyond this get 503 at once (0: no cap). Bounds queueing latency. */
  OVERLOAD_MAX_IN_FLIGHT: z.coerce.number().int().min(0).max(100_000).default(1_000),
  OVERLOAD_SAMPLE_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
  /** Retry-After (seconds) sent with every 503 UNAVAILABLE. */
  RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(3_600).default(2),
  /** An Idempotency-Key is remembered this long; a later reuse starts afresh. */
  IDEMPOTENCY_KEY_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24),
  // `tags.popular` may be this stale; a new article's tags show up within it.
  POPULAR_TAGS_CACHE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  // `npm start` seeds demo data into a new, empty embedded database.
  SEED_DEMO_DATA: booleanFromString.default(true),
  // Jobs and email (src/jobs/): graphile-worker queue, nodemailer SMTP or the development mailbox.
  /** Run the job worker inside the server process; `npm run worker` runs it on its own. */
  JOBS_IN_PROCESS: booleanFromString.default(true),
  JOBS_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
  /** Fallback polling for scheduled and retried jobs; new jobs arrive through LISTEN/NOTIFY. */
  JOBS_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(2_000),
  /** How often a worker looks for crashed workers' jobs to release (also done on start). */
  JOBS_CRASH_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** Unset: the development transport logs each message and keeps it in DEV_MAILBOX_DIR. */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).max(320).default('Conduit <no-reply@conduit.localhost>'),
  SMTP_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  SMTP_SOCKET_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Attempts inside one job run (exponential backoff from SMTP_RETRY_INITIAL_DELAY_MS). */
  SMTP_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  SMTP_RETRY_INITIAL_DELAY_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  /** Consecutive failed sends that open the circuit breaker. */
  SMTP_BREAKER_THRESHOLD: z.coerce.number().int().min(1).max(1_000).default(5),
  SMTP_BREAKER_HALF_OPEN_AFTER_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  DEV_MAILBOX_DIR: z.string().min(1).default('.data/mailbox'),
  // Sign-in throttling (REDIS_URL, declared with scale-out above, is shared with it).
  LOGIN_THROTTLE_KEY_PREFIX: z.string().min(1).max(200).default('conduit:login-throttle'),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(1_000).default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).max(100_000).default(50),
  LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Base URL of the web app, for links in emails (password reset). */
  APP_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
  TOTP_ISSUER: z.string().min(1).max(64).default('Conduit'),
  // Benchmark suite (bench/): raw-Fastify baseline routes and server stats under /bench; never on by default.
  BENCH_BASELINE_ROUTES: booleanFromString.default(false),
  // client-example: the built page (client-example/dist/web) is served at /example when present.
  EXAMPLE_PAGE_DIR: z.string().min(1).default(fileURLToPath(new URL('../client-example/dist/web', import.meta.url))),
});

export type Config = z.infer<typeof configSchema>;

/** Raised when the environment does not satisfy `configSchema`; the message names each variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses an environment (normally `process.env`) into a `Config`.
 *
 * @example
 * const config = loadConfig({ PORT: '8080' });
 * config.PORT; // 8080
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset" so that `FOO= npm start` falls back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * `loadConfig` for process entry points: a bad environment prints which variables are wrong and
 * exits with EX_CONFIG (78), so supervisors see a configuration error rather than a crash loop.
 */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}
