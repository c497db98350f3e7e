import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { createArticle, failure, setRole } from './domain-helpers.ts';

let server: TestServer;
let admin: TestAccount;
let moderator: TestAccount;
beforeAll(async () => {
  server = await startTestServer();
  [admin, moderator] = await Promise.all([registerAccount(server), registerAccount(server)]);
  await setRole(server, admin, 'admin');
  await setRole(server, moderator, 'moderator');
});
afterAll(() => server.close());

describe('admin.users', () => {
  it('lists users by query and role, paginated without repeats', async () => {
    const prefix = `zz${Date.now().toString(36)}`;
    for (let i = 0; i < 3; i++) await registerAccount(server, { username: `${prefix}_${i}` });
    const first = await admin.api.admin.users.list.query({ query: prefix, limit: 2 });
    expect(first.items.map((user) => user.username)).toEqual([`${prefix}_0`, `${prefix}_1`]);
    expect(first.items[0]).toMatchObject({ email: `${prefix}_0@example.com`, role: 'user', suspendedAt: null });
    const second = await admin.api.admin.users.list.query({ query: prefix, limit: 2, cursor: first.nextCursor ?? '' });
    expect(second).toMatchObject({ items: [{ username: `${prefix}_2` }], nextCursor: null });
    const moderators = await admin.api.admin.users.list.query({ role: 'moderator' });
    expect(moderators.items.map((user) => user.username)).toContain(moderator.username);
  });

  it('is for admins only', async () => {
    const user = await registerAccount(server);
    expect(await failure(moderator.api.admin.users.list.query({}))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(user.api.admin.users.setRole.mutate({ username: user.username, role: 'admin' }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(server.api.admin.audit.list.query({}))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('changes a role and audits it', async () => {
    const user = await registerAccount(server);
    await expect(admin.api.admin.users.setRole.mutate({ username: user.username, role: 'moderator' })).resolves.toMatchObject({ role: 'moderator' });
    const audit = await admin.api.admin.audit.list.query({ action: 'admin.role.changed', actor: admin.username });
    expect(audit.items[0]).toMatchObject({ actor: admin.username, targetId: user.id, metadata: { from: 'user', to: 'moderator' } });
  });

  it('refuses to let an admin change their own role or suspend themselves', async () => {
    expect(await failure(admin.api.admin.users.setRole.mutate({ username: admin.username, role: 'user' }))).toMatchObject({ reason: 'CANNOT_CHANGE_OWN_ACCOUNT' });
    expect(await failure(admin.api.admin.users.suspend.mutate({ username: admin.username, reason: 'x' }))).toMatchObject({ reason: 'CANNOT_CHANGE_OWN_ACCOUNT' });
  });

  it('suspension ends sessions and blocks sign-in; unsuspending allows it again', async () => {
    const user = await registerAccount(server);
    await admin.api.admin.users.suspend.mutate({ username: user.username, reason: 'spam' });
    expect(await failure(user.api.auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await failure(server.api.auth.login.mutate({ login: user.username, password: user.password }))).toMatchObject({ reason: 'ACCOUNT_SUSPENDED' });
    const audit = await admin.api.admin.audit.list.query({ action: 'admin.user.suspended' });
    expect(audit.items[0]).toMatchObject({ targetId: user.id, metadata: { reason: 'spam', sessionsEnded: 1 } });
    await admin.api.admin.users.unsuspend.mutate({ username: user.username });
    await expect(server.api.auth.login.mutate({ login: user.username, password: user.password })).resolves.toHaveProperty('token');
  });

  it("a suspended user's signed-in session cannot write", async () => {
    const user = await registerAccount(server);
    // Suspend without ending sessions, to check the write block on its own.
    await server.db.updateTable('users').set({ suspendedAt: new Date(), suspensionReason: 'x' }).where('id', '=', user.id).execute();
    expect(await failure(createArticle(user))).toMatchObject({ reason: 'ACCOUNT_SUSPENDED' });
  });

  it('pages the audit log without repeats', async () => {
    const first = await admin.api.admin.audit.list.query({ limit: 1 });
    const second = await admin.api.admin.audit.list.query({ limit: 1, cursor: first.nextCursor ?? '' });
    expect(first.items[0]?.id).not.toBe(second.items[0]?.id);
    expect(await failure(admin.api.admin.audit.list.query({ cursor: 'bogus!' }))).toMatchObject({ reason: 'INVALID_CURSOR' });
  });

  it('refuses an audit cursor past the bigint range as INVALID_CURSOR, not a database error', async () => {
    for (const id of ['9223372036854775808', '9999999999999999999']) {
      const cursor = Buffer.from(JSON.stringify([id])).toString('base64url');
      expect(await failure(admin.api.admin.audit.list.query({ cursor }))).toMatchObject({ reason: 'INVALID_CURSOR', httpStatus: 400 });
    }
    const largest = Buffer.from(JSON.stringify(['9223372036854775807'])).toString('base64url');
    await expect(admin.api.admin.audit.list.query({ cursor: largest, limit: 1 })).resolves.toMatchObject({ items: [expect.anything()] });
  });
});
