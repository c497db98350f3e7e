/**
 * `npm run admin:create -- --email root@example.com --username root --password '…'`: creates
 * the first admin, or promotes the existing account with that email (then only --email).
 * Runs against DATABASE_URL or the embedded server, migrating first like the server does.
 */
import { parseArgs } from 'node:util';

import { loadConfigOrExit } from '../../config.ts';
import { createDatabase } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrator.ts';
import { locateDatabase } from '../../db/open-database.ts';
import { createLogger } from '../../lib/logger.ts';
import { createOrPromoteAdmin } from './create-admin.ts';

const { values } = parseArgs({
  options: { email: { type: 'string' }, username: { type: 'string' }, password: { type: 'string' } },
  strict: true,
});
const email = values.email;
if (!email) {
  process.stderr.write('Usage: npm run admin:create -- --email <email> [--username <name> --password <password>]\n');
  process.exit(64); // EX_USAGE
}

const config = loadConfigOrExit();
const logger = createLogger({ ...config, NODE_ENV: 'production' });
const location = await locateDatabase(config, logger);
const { db } = createDatabase(config, location.connectionString, logger);
try {
  if (config.MIGRATE_ON_START) await migrateToLatest(db);
  const result = await createOrPromoteAdmin(db, { ...values, email });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  process.stderr.write(`admin:create failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await db.destroy();
  await location.stop();
}
