/**
 * `npm run bench:login`: what a sign-in costs on this machine. Measures argon2id hash and
 * verify at our parameters, then sequential `auth.login` calls over HTTP against a real
 * server and database (DATABASE_URL, or the embedded server): a known account with the right
 * password, a wrong password, and an unknown account — the last two must cost the same.
 */
import { randomBytes } from 'node:crypto';

import { createTRPCClient, httpLink } from '@trpc/client';
import pg from 'pg';
import superjson from 'superjson';

import { buildApp } from '../src/app.ts';
import type { AppRouter } from '../src/client.ts';
import { loadConfig } from '../src/config.ts';
import { createDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrator.ts';
import { locateDatabase } from '../src/db/open-database.ts';
import { createLoginThrottle } from '../src/features/auth/login-throttle.ts';
import { hashPassword, verifyPassword } from '../src/features/auth/passwords.ts';
import { createLogger } from '../src/lib/logger.ts';
import { createScaleOutDeps } from '../src/realtime/scale-out-deps.ts';
import { createMetrics } from '../src/observability/metrics.ts';

const samples = Number(process.argv[2] ?? 40);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function timed(work: () => Promise<unknown>, count: number): Promise<{ p50: number; p95: number }> {
  const durations: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await work();
    durations.push(performance.now() - started);
  }
  return { p50: Math.round(percentile(durations, 50) * 10) / 10, p95: Math.round(percentile(durations, 95) * 10) / 10 };
}

const base = loadConfig({ ...process.env, LOG_LEVEL: 'silent', NODE_ENV: 'production' });
const logger = createLogger(base);
const location = await locateDatabase(base, logger);
const databaseName = `conduit_bench_login_${randomBytes(4).toString('hex')}`;
const adminUrl = location.connectionString;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(databaseName)}`);
const url = new URL(adminUrl);
url.pathname = `/${databaseName}`;
// A high throttle limit: the benchmark measures the password check, not the limiter.
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', NODE_ENV: 'production', DATABASE_URL: url.toString(), LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000', LOGIN_MAX_FAILURES_PER_IP: '100000', REDIS_URL: '' });
const { db, pool } = createDatabase(config, url.toString(), logger);
await migrateToLatest(db);
const loginThrottle = createLoginThrottle(config);
// The bus, stream hub and rate limits every app is built with.
const scaleOut = await createScaleOutDeps(config, { db, pool, connectionString: url.toString() }, logger);
const app = await buildApp({ config, db, logger, metrics: createMetrics(), loginThrottle, ...scaleOut });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const api = createTRPCClient<AppRouter>({ links: [httpLink({ url: `http://127.0.0.1:${port}/trpc`, transformer: superjson })] });

try {
  const password = 'a benchmark passphrase';
  const hashCost = await timed(() => hashPassword(password), samples);
  const stored = await hashPassword(password);
  const verifyCost = await timed(() => verifyPassword(stored, password), samples);
  await api.auth.register.mutate({ email: 'bench@example.com', username: 'bench_user', password });
  const refused = () => undefined;
  const known = await timed(() => api.auth.login.mutate({ login: 'bench_user', password }), samples);
  const wrong = await timed(() => api.auth.login.mutate({ login: 'bench_user', password: 'wrong password' }).catch(refused), samples);
  const unknown = await timed(() => api.auth.login.mutate({ login: 'nobody_here', password: 'wrong password' }).catch(refused), samples);
  const report = { samples, argon2id: { params: 'm=19456 KiB, t=2, p=1', hashMs: hashCost, verifyMs: verifyCost }, loginMs: { success: known, wrongPassword: wrong, unknownAccount: unknown } };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await app.close();
  await scaleOut.close();
  await loginThrottle.close();
  await db.destroy();
  await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(databaseName)} WITH (FORCE)`);
  await admin.end();
  await location.stop();
}
