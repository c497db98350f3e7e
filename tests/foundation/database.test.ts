import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { kyselyCodegenArgs, kyselyCodegenBin, schemaTypesFile } from '../../src/db/db-cli.ts';
import { createMigrator, migrateToLatest, unwrapMigrationResult, openSchemaAgnosticDb, type SchemaAgnosticDb } from '../../src/db/migrator.ts';
import { databaseUrl, dropDatabase, withAdminClient } from '../../src/db/postgres-admin.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const { adminUrl, runPrefix } = inject('testDatabaseServer');

async function withEmptyDatabase(work: (db: SchemaAgnosticDb, url: string) => Promise<void>): Promise<void> {
  const name = `${runPrefix}_empty_${Math.random().toString(36).slice(2, 8)}`;
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  const url = databaseUrl(adminUrl, name);
  const db = openSchemaAgnosticDb(url);
  try {
    await work(db, url);
  } finally {
    await db.destroy();
    await dropDatabase(adminUrl, name);
  }
}

async function publicTables(db: SchemaAgnosticDb): Promise<string[]> {
  const result = await sql<{ tableName: string }>`
    SELECT table_name AS "tableName" FROM information_schema.tables
    WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely_%' ORDER BY table_name`.execute(db);
  return result.rows.map((row) => row.tableName);
}

describe('migrations', () => {
  it('migrate up, all the way down, and up again on an empty database', async () => {
    await withEmptyDatabase(async (db) => {
      const applied = await migrateToLatest(db);
      expect(applied.length).toBeGreaterThan(0);
      const tablesAfterUp = await publicTables(db);
      expect(tablesAfterUp).toContain('users');

      const migrator = createMigrator(db);
      for (let step = 0; step < applied.length; step++) unwrapMigrationResult(await migrator.migrateDown());
      expect(await publicTables(db)).toEqual([]);

      await migrateToLatest(db);
      expect(await publicTables(db)).toEqual(tablesAfterUp);
    });
  });

  it('keeps src/db/schema.ts identical to what the migrations produce', async () => {
    await withEmptyDatabase(async (db, url) => {
      await migrateToLatest(db);
      await db.destroy();
      // --verify exits non-zero when the generated types differ from the committed file.
      const run = promisify(execFile);
      await expect(run(kyselyCodegenBin, [...kyselyCodegenArgs(url, schemaTypesFile), '--verify'])).resolves.toBeDefined();
    });
  });
});

describe('connection pool', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ DB_STATEMENT_TIMEOUT_MS: '1234' });
  });
  afterAll(() => server.close());

  it('applies the configured statement timeout to every connection', async () => {
    const { rows } = await sql<{ statementTimeout: string }>`SHOW statement_timeout`.execute(server.db);
    expect(rows[0]?.statementTimeout).toBe('1234ms');
  });

  it('maps snake_case columns to camelCase', async () => {
    const inserted = await server.db
      .insertInto('users')
      .values({ email: 'camel@example.com', username: 'camel', passwordHash: 'x' })
      .returning(['passwordHash', 'createdAt'])
      .executeTakeFirstOrThrow();
    expect(inserted.passwordHash).toBe('x');
    expect(inserted.createdAt).toBeInstanceOf(Date);
  });

  it('enforces case-insensitive uniqueness of emails in the schema', async () => {
    await server.db.insertInto('users').values({ email: 'Dup@Example.com', username: 'dup1', passwordHash: 'x' }).execute();
    await expect(
      server.db.insertInto('users').values({ email: 'dup@example.com', username: 'dup2', passwordHash: 'x' }).execute(),
    ).rejects.toMatchObject({ code: '23505' });
  });
});
