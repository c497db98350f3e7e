import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount, signIn } from '../helpers/accounts.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const run = promisify(execFile);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** `npm run admin:create -- …` as an operator runs it (the script behind it, same process model). */
function adminCreate(...args: string[]) {
  return run(process.execPath, ['src/features/auth/create-admin-cli.ts', ...args], {
    env: { ...process.env, DATABASE_URL: server.database.url, LOG_LEVEL: 'silent' },
  });
}

describe('admin:create CLI', () => {
  it('creates an admin who can sign in', async () => {
    const { stdout } = await adminCreate('--email', 'root@example.com', '--username', 'root_admin', '--password', 'an admin passphrase');
    expect(JSON.parse(stdout)).toMatchObject({ outcome: 'created' });
    await expect(signIn(server, 'root_admin', 'an admin passphrase')).resolves.toMatchObject({ user: { role: 'admin' } });
  });

  it('promotes an existing account and audits the role change', async () => {
    const alice = await registerAccount(server);
    const { stdout } = await adminCreate('--email', alice.email);
    expect(JSON.parse(stdout)).toEqual({ userId: alice.id, outcome: 'promoted' });
    await expect(alice.api.auth.me.query()).resolves.toMatchObject({ role: 'admin' });
    const row = await server.db.selectFrom('auditLog').selectAll().where('action', '=', 'admin.role.changed').where('targetId', '=', alice.id).executeTakeFirst();
    expect(row).toMatchObject({ actorId: null, metadata: { from: 'user', to: 'admin', via: 'cli' } });
  });

  it('applies the password policy', async () => {
    const failed = await adminCreate('--email', 'weak@example.com', '--username', 'weak_admin', '--password', 'password123').then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('too common');
  });
});
