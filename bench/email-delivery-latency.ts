/**
 * Enqueue → SMTP delivery latency of the email outbox with the in-process worker, measured on a
 * scratch database: `DATABASE_URL=postgres://… node bench/email-delivery-latency.ts [count]`.
 * Sequential sends, so it measures the pickup path (LISTEN/NOTIFY → worker → SMTP), not throughput.
 */
import { pino } from 'pino';
import pg from 'pg';

import { loadConfig } from '../src/config.ts';
import { createDatabase } from '../src/db/database.ts';
import { migrateToLatest, openSchemaAgnosticDb } from '../src/db/migrator.ts';
import { enqueueEmail } from '../src/jobs/email-outbox.ts';
import { installJobQueueSchema } from '../src/jobs/job-queue-schema.ts';
import { startJobRunner } from '../src/jobs/job-runner.ts';
import { startSmtpSink } from '../tests/helpers/smtp-sink.ts';

const count = Number(process.argv[2] ?? 100);
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) throw new Error('set DATABASE_URL to a server where a scratch database can be created');

const scratchName = `conduit_bench_email_${process.pid}`;
const scratchUrl = new URL(adminUrl);
scratchUrl.pathname = `/${scratchName}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(scratchName)}`);

const logger = pino({ level: 'silent' });
const sink = await startSmtpSink();
try {
  const migrationDb = openSchemaAgnosticDb(scratchUrl.toString());
  await migrateToLatest(migrationDb);
  await migrationDb.destroy();
  await installJobQueueSchema(scratchUrl.toString(), logger);

  const config = loadConfig({ DATABASE_URL: scratchUrl.toString(), SMTP_URL: sink.url, NODE_ENV: 'production' });
  const { db } = createDatabase(config, scratchUrl.toString(), logger);
  const jobs = await startJobRunner({ config, db, logger, connectionString: scratchUrl.toString() });
  const latenciesMs: number[] = [];
  for (let index = 0; index < count; index++) {
    const subject = `bench ${index}`;
    const delivered = sink.waitForMessage((message) => message.subject === subject, 30_000);
    const startedAt = performance.now();
    await db.transaction().execute((trx) => enqueueEmail(trx, { to: 'bench@example.com', subject, text: 'x' }));
    await delivered;
    latenciesMs.push(performance.now() - startedAt);
  }
  await jobs.stop();
  await db.destroy();

  latenciesMs.sort((a, b) => a - b);
  const at = (quantile: number) => latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(quantile * latenciesMs.length))]?.toFixed(1);
  process.stdout.write(
    `${JSON.stringify({ emails: count, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), maxMs: at(1) })}\n`,
  );
} finally {
  await sink.close();
  await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(scratchName)} WITH (FORCE)`);
  await admin.end();
}
