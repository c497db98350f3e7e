/**
 * `npm run db:migrate`, `npm run db:rollback` and `npm run db:types`, against DATABASE_URL or
 * the embedded server.
 *
 * db:types regenerates `src/db/schema.ts` (the `DB` type Kysely uses) from a scratch database
 * migrated from zero, so the type always matches the migrations; a test fails if it drifts.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { loadConfigOrExit } from '../config.ts';
import { installJobQueueSchema } from '../jobs/job-queue-schema.ts';
import { createLogger } from '../lib/logger.ts';
import { locateDatabase } from './open-database.ts';
import { createDatabaseIfMissing, databaseUrl, dropDatabase } from './postgres-admin.ts';
import { createMigrator, migrateToLatest, openSchemaAgnosticDb, unwrapMigrationResult } from './migrator.ts';

export const schemaTypesFile = fileURLToPath(new URL('./schema.ts', import.meta.url));

/** The exact kysely-codegen invocation; the drift test runs the same one with `--verify`. */
export function kyselyCodegenArgs(databaseUrl: string, outFile: string): string[] {
  return ['--dialect', 'postgres', '--camel-case', '--url', databaseUrl, '--out-file', outFile, '--include-pattern', 'public.*', '--exclude-pattern', 'public.kysely_*', '--log-level', 'error'];
}

export const kyselyCodegenBin = fileURLToPath(new URL('../../node_modules/.bin/kysely-codegen', import.meta.url));

async function main(command: string | undefined): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ ...config, NODE_ENV: 'production' });
  const location = await locateDatabase(config, logger);
  try {
    if (command === 'types') {
      await generateSchemaTypes(location.connectionString);
      return;
    }
    const db = openSchemaAgnosticDb(location.connectionString);
    try {
      if (command === 'migrate') {
        const applied = await migrateToLatest(db);
        await installJobQueueSchema(location.connectionString, logger);
        logger.info({ applied }, applied.length ? 'migrated' : 'already up to date');
      } else if (command === 'rollback') {
        const undone = unwrapMigrationResult(await createMigrator(db).migrateDown());
        logger.info({ undone }, undone.length ? 'rolled back one migration' : 'nothing to roll back');
      } else {
        throw new Error(`Unknown command "${command ?? ''}": use migrate, rollback or types`);
      }
    } finally {
      await db.destroy();
    }
  } finally {
    await location.stop();
  }
}

async function generateSchemaTypes(connectionString: string): Promise<void> {
  const scratchName = `conduit_codegen_${process.pid}`;
  const admin = databaseUrl(connectionString, 'postgres');
  const scratch = databaseUrl(connectionString, scratchName);
  await createDatabaseIfMissing(admin, scratchName);
  const db = openSchemaAgnosticDb(scratch);
  try {
    await migrateToLatest(db);
    await db.destroy();
    execFileSync(kyselyCodegenBin, kyselyCodegenArgs(scratch, schemaTypesFile), { stdio: 'inherit' });
  } finally {
    await dropDatabase(admin, scratchName);
  }
}

if (import.meta.main) {
  await main(process.argv[2]);
}
