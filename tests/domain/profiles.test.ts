import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount, signIn } from '../helpers/accounts.ts';
import { createApiClient, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { failure } from './domain-helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('profiles and follows', () => {
  it('shows a public profile without private fields, following false for anonymous', async () => {
    const alice = await registerAccount(server);
    await expect(server.api.profiles.get.query({ username: alice.username.toUpperCase() })).resolves.toEqual({
      username: alice.username,
      bio: '',
      image: null,
      following: false,
    });
  });

  it('follows and unfollows idempotently', async () => {
    const alice = await registerAccount(server);
    const bob = await registerAccount(server);
    await bob.api.profiles.follow.mutate({ username: alice.username });
    await expect(bob.api.profiles.follow.mutate({ username: alice.username })).resolves.toMatchObject({ following: true });
    await expect(bob.api.profiles.get.query({ username: alice.username })).resolves.toMatchObject({ following: true });
    await bob.api.profiles.unfollow.mutate({ username: alice.username });
    await expect(bob.api.profiles.unfollow.mutate({ username: alice.username })).resolves.toMatchObject({ following: false });
  });

  it('refuses following yourself with BAD_REQUEST', async () => {
    const alice = await registerAccount(server);
    expect(await failure(alice.api.profiles.follow.mutate({ username: alice.username }))).toMatchObject({ code: 'BAD_REQUEST', reason: 'CANNOT_FOLLOW_SELF' });
  });

  it('answers NOT_FOUND for an unknown user and UNAUTHORIZED for anonymous follows', async () => {
    const alice = await registerAccount(server);
    expect(await failure(server.api.profiles.get.query({ username: 'nobody_here' }))).toMatchObject({ reason: 'NOT_FOUND' });
    expect(await failure(server.api.profiles.follow.mutate({ username: alice.username }))).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('users.update', () => {
  it('updates bio, image and username of the signed-in user', async () => {
    const alice = await registerAccount(server);
    const updated = await alice.api.users.update.mutate({ bio: 'Dragons', image: 'https://img.example/a.png', username: `${alice.username}_x` });
    expect(updated).toMatchObject({ bio: 'Dragons', image: 'https://img.example/a.png', username: `${alice.username}_x` });
  });

  it('names the conflicting field when the username or email is taken', async () => {
    const alice = await registerAccount(server);
    const bob = await registerAccount(server);
    expect(await failure(bob.api.users.update.mutate({ username: alice.username.toUpperCase() }))).toMatchObject({ code: 'CONFLICT', details: { field: 'username' } });
    expect(await failure(bob.api.users.update.mutate({ email: alice.email }))).toMatchObject({ code: 'CONFLICT', details: { field: 'email' } });
  });

  it('signs out other sessions when the password changes, and the new password works', async () => {
    const alice = await registerAccount(server);
    const other = await signIn(server, alice.username, alice.password);
    await alice.api.users.update.mutate({ password: 'a-brand-new-password' });
    const otherClient = createApiClient(server.baseUrl, { authorization: `Bearer ${other.token}` });
    expect(await failure(otherClient.auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(alice.api.auth.me.query()).resolves.toMatchObject({ username: alice.username });
    await expect(signIn(server, alice.username, 'a-brand-new-password')).resolves.toHaveProperty('token');
  });

  it('refuses a password or email change through users.update from a personal access token', async () => {
    const alice = await registerAccount(server);
    const { token } = await alice.api.auth.tokens.create.mutate({ name: 'script', scopes: ['read', 'write'] });
    const script = createApiClient(server.baseUrl, { authorization: `Bearer ${token}` });
    expect(await failure(script.users.update.mutate({ password: 'a-brand-new-password' }))).toMatchObject({ reason: 'SESSION_REQUIRED' });
    expect(await failure(script.users.update.mutate({ email: 'taken-over@example.com' }))).toMatchObject({ reason: 'SESSION_REQUIRED' });
    await expect(script.users.update.mutate({ bio: 'edited by a script' })).resolves.toMatchObject({ bio: 'edited by a script' });
  });

  it('treats an empty users.update as a no-op that returns the user', async () => {
    const alice = await registerAccount(server);
    await expect(alice.api.users.update.mutate({})).resolves.toMatchObject({ username: alice.username, email: alice.email });
  });

  it('applies the password policy to users.update', async () => {
    const alice = await registerAccount(server);
    expect(await failure(alice.api.users.update.mutate({ password: 'password123' }))).toMatchObject({
      reason: 'WEAK_PASSWORD',
      details: { rule: 'not_common' },
    });
    expect(await failure(alice.api.users.update.mutate({ password: alice.username }))).toMatchObject({ reason: 'WEAK_PASSWORD' });
  });

  it('cannot set role or other fields (mass assignment)', async () => {
    const alice = await registerAccount(server);
    expect(await failure(alice.api.users.update.mutate({ role: 'admin' } as never))).toMatchObject({ reason: 'VALIDATION_ERROR' });
    await expect(alice.api.auth.me.query()).resolves.toMatchObject({ role: 'user' });
  });
});
