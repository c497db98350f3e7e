/**
 * Server-level PostgreSQL chores (creating and dropping whole databases) that cannot run through
 * a Kysely pool bound to one database. Shared by the embedded start-up, the test harness and the
 * benchmark suite.
 */
import pg from 'pg';

/** The URL of `database` on the same server as `serverUrl`. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * One short-lived connection for `work`, closed whatever happens.
 *
 * @example await withAdminClient(adminUrl, (client) => client.query('SELECT 1'));
 */
export async function withAdminClient<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates `name` on the server behind `adminUrl` unless it exists. */
export async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<void> {
  await withAdminClient(adminUrl, async (client) => {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    // Identifiers cannot be bound as parameters; escapeIdentifier quotes them safely.
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  });
}

/**
 * Drops `name` (test and benchmark databases), first giving connections that are closing a moment
 * to go. pg's `pool.end()` resolves once its clients are asked to end, not once they have: a
 * `DROP … WITH (FORCE)` at that instant terminates them mid-goodbye, and the FATAL 57P01 they
 * receive is an uncaught error in the process that owned the pool (seen as a flaky test run).
 * FORCE still ends whatever is left after `graceMs` (e.g. a killed server process's backends).
 */
export async function dropDatabase(adminUrl: string, name: string, graceMs = 2_000): Promise<void> {
  await withAdminClient(adminUrl, async (client) => {
    const deadline = Date.now() + graceMs;
    for (;;) {
      const { rows } = await client.query<{ open: number }>('SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = $1', [name]);
      if ((rows[0]?.open ?? 0) === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  });
}
