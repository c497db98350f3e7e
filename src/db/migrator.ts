/**
 * Kysely's migrator over the TypeScript files in `migrations/` (resolved relative to this
 * module, so it works from `src/` and from the compiled `dist/src/`).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { FileMigrationProvider, Migrator, type MigrationResultSet } from 'kysely/migration';

/** Migrations (and tools that run them) work on whatever schema exists, not on the app's `DB` type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type SchemaAgnosticDb = Kysely<any>;

/**
 * A single-connection handle for running migrations or admin work on a database by URL.
 *
 * @example const db = openSchemaAgnosticDb(url); await migrateToLatest(db); await db.destroy();
 */
export function openSchemaAgnosticDb(connectionString: string): SchemaAgnosticDb {
  return new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString, max: 1 }) }) });
}

export const migrationFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/** @example const migrator = createMigrator(db); await migrator.migrateToLatest(); */
export function createMigrator(db: SchemaAgnosticDb): Migrator {
  return new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder }) });
}

/** Throws with the failing migration's name instead of returning an error value. */
export function unwrapMigrationResult({ error, results }: MigrationResultSet): string[] {
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed`, { cause: error });
  }
  return (results ?? []).map((result) => `${result.direction} ${result.migrationName}`);
}

/**
 * Applies every pending migration.
 *
 * @example await migrateToLatest(db); // ['Up 20261122_0001_create_users']
 */
export async function migrateToLatest(db: SchemaAgnosticDb): Promise<string[]> {
  return unwrapMigrationResult(await createMigrator(db).migrateToLatest());
}

/** Names of migrations present on disk but not yet applied; empty when the schema is current. */
export async function listPendingMigrations(db: SchemaAgnosticDb): Promise<string[]> {
  const migrations = await createMigrator(db).getMigrations();
  return migrations.filter((migration) => migration.executedAt === undefined).map((m) => m.name);
}
