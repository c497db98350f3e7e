/**
 * One PostgreSQL for the whole run: TEST_DATABASE_URL or DATABASE_URL when set, otherwise an
 * embedded server in a temporary directory. It builds a migrated template database that every
 * test file clones (`CREATE DATABASE … TEMPLATE …`), and drops everything this run created.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { pino } from 'pino';
import type { TestProject } from 'vitest/node';

import { startEmbeddedPostgres, type RunningPostgres } from '../../src/db/embedded-postgres.ts';
import { migrateToLatest, openSchemaAgnosticDb } from '../../src/db/migrator.ts';
import { databaseUrl, withAdminClient } from '../../src/db/postgres-admin.ts';
import { installJobQueueSchema } from '../../src/jobs/job-queue-schema.ts';
import { findFreePort } from './free-port.ts';

export interface TestDatabaseServer {
  /** A URL on the server with rights to create databases. */
  adminUrl: string;
  /** The migrated template every test file clones. */
  templateName: string;
  /** Prefix of every database this run creates, so teardown can find them. */
  runPrefix: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabaseServer: TestDatabaseServer;
  }
}

export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  let embedded: RunningPostgres | undefined;
  let adminUrl: string;
  if (external) {
    adminUrl = external;
  } else {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(tmpdir(), `conduit-test-pg-${randomBytes(4).toString('hex')}`),
      port: await findFreePort(),
      persistent: false,
      logger: pino({ level: 'silent' }),
    });
    adminUrl = embedded.adminUrl;
  }

  const runPrefix = `conduit_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const templateName = `${runPrefix}_template`;
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(templateName)}`));

  const templateDb = openSchemaAgnosticDb(databaseUrl(adminUrl, templateName));
  await migrateToLatest(templateDb);
  // graphile-worker's schema, so every test database can enqueue jobs (emails) from the start.
  await installJobQueueSchema(databaseUrl(adminUrl, templateName), pino({ level: 'silent' }));
  // No connection may stay open on a template while it is being cloned.
  await templateDb.destroy();

  project.provide('testDatabaseServer', { adminUrl, templateName, runPrefix });

  return async () => {
    await withAdminClient(adminUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
        [runPrefix],
      );
      for (const { datname } of rows) {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
      }
    });
    await embedded?.stop();
  };
}
