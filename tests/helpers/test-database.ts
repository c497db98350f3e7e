/** A fresh database per test file, cloned from the run's migrated template in milliseconds. */
import { randomBytes } from 'node:crypto';

import { inject } from 'vitest';

import { databaseUrl, dropDatabase, withAdminClient } from '../../src/db/postgres-admin.ts';
// Brings in the typing of inject('testDatabaseServer') (declared where global setup provides it).
import type {} from './global-setup.ts';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** @example const database = await createTestDatabase(); // … database.url … await database.drop(); */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { adminUrl, templateName, runPrefix } = inject('testDatabaseServer');
  const name = `${runPrefix}_${randomBytes(5).toString('hex')}`;
  await withAdminClient(adminUrl, async (client) => {
    // Two files cloning the same template at the same instant can briefly collide (55006).
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(templateName)}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  });
  return {
    url: databaseUrl(adminUrl, name),
    name,
    drop: () => dropDatabase(adminUrl, name),
  };
}
