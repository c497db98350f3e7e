/**
 * Brute force (ASVS 2.2.1, 2.8.x; API2:2023 / API4:2023): login, reset requests, verification
 * codes and TOTP codes are throttled per account and per IP; the login throttle lives in Redis
 * when configured, so it survives a restart and holds across instances.
 */
import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { currentTotpStep, totpCodeAtStep } from '../accounts/accounts-kit.ts';
import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { rawMutation, refusal } from './security-helpers.ts';

const wrong = 'definitely the wrong password';

describe('Brute force: throttling per account and per IP (ASVS 2.2.1)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '5', LOGIN_MAX_FAILURES_PER_IP: '12' });
  });
  afterAll(() => server.close());

  it('ASVS 2.2.1 — five failed sign-ins lock the account name (even the right password) with Retry-After', async () => {
    const account = await registerAccount(server);
    for (let i = 0; i < 5; i += 1) await refusal(server.api.auth.login.mutate({ login: account.username, password: wrong }));
    const response = await rawMutation(server.baseUrl, 'auth.login', { login: account.username, password: account.password });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('ASVS 2.2.1 — switching between username and email does not reset the per-account budget', async () => {
    const account = await registerAccount(server);
    for (let i = 0; i < 5; i += 1) {
      await refusal(server.api.auth.login.mutate({ login: i % 2 === 0 ? account.username : account.email.toUpperCase(), password: wrong }));
    }
    expect(await refusal(server.api.auth.login.mutate({ login: account.email, password: account.password }))).toMatchObject({ reason: 'RATE_LIMITED' });
  });

  it('ASVS 2.2.1 — failures spread over many accounts from one IP hit the per-IP limit', async () => {
    let refused: { reason: string } | undefined;
    for (let i = 0; i < 14 && !refused; i += 1) {
      const data = await refusal(server.api.auth.login.mutate({ login: `nobody_${randomBytes(4).toString('hex')}`, password: wrong }));
      if (data.reason === 'RATE_LIMITED') refused = data;
    }
    expect(refused).toMatchObject({ reason: 'RATE_LIMITED' });
  });
});

describe('Brute force: password reset requests (ASVS 2.5.x)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMITS: 'on', RATE_LIMIT_AUTH: '3/60', REDIS_KEY_PREFIX: `conduit-test:${randomBytes(6).toString('hex')}:` });
  });
  afterAll(() => server.close());

  it('ASVS 2.5.x — password reset requests are throttled per IP', async () => {
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await rawMutation(server.baseUrl, 'auth.password.requestReset', { email: `victim${i}@example.com` }));
    expect(answers.map((answer) => answer.status)).toContain(429);
  });
});

describe('Brute force: verification and TOTP codes (ASVS 2.7.x, 2.8.x)', () => {
  let server: TestServer;
  let account: TestAccount;
  beforeAll(async () => {
    server = await startTestServer();
    account = await registerAccount(server);
  });
  afterAll(() => server.close());

  it('ASVS 2.7.x — wrong verification codes lock the code after a few attempts', async () => {
    await account.api.auth.email.requestVerification.mutate();
    const reasons: string[] = [];
    for (let i = 0; i < 10 && !reasons.includes('TOO_MANY_ATTEMPTS'); i += 1) {
      reasons.push((await refusal(account.api.auth.email.verify.mutate({ code: String(100000 + i) }))).reason);
    }
    expect(reasons).toContain('TOO_MANY_ATTEMPTS');
  });

  it('ASVS 2.8.x — wrong TOTP codes at login end the challenge after a few attempts', async () => {
    const { secret } = await account.api.auth.twoFactor.setup.mutate();
    await account.api.auth.twoFactor.enable.mutate({ code: totpCodeAtStep(secret, currentTotpStep()) });
    const login = await server.api.auth.login.mutate({ login: account.username, password: account.password });
    if (!login.twoFactorRequired) throw new Error('2FA should be required');
    const reasons: string[] = [];
    for (let i = 0; i < 10 && !reasons.includes('TOO_MANY_ATTEMPTS') && !reasons.includes('CHALLENGE_EXPIRED'); i += 1) {
      reasons.push((await refusal(server.api.auth.twoFactor.verifyLogin.mutate({ challenge: login.challenge, code: '000000' }))).reason);
    }
    expect(reasons.some((reason) => reason === 'TOO_MANY_ATTEMPTS' || reason === 'CHALLENGE_EXPIRED')).toBe(true);
    expect(await refusal(server.api.auth.twoFactor.verifyLogin.mutate({ challenge: login.challenge, code: totpCodeAtStep(secret, currentTotpStep() + 1) }))).toMatchObject({ httpStatus: expect.any(Number) });
  });
});

describe('Brute force: the login throttle survives a restart and holds across instances (Redis)', () => {
  const shared = { REDIS_URL: 'redis://127.0.0.1:6379', LOGIN_THROTTLE_KEY_PREFIX: `conduit-test:${randomBytes(6).toString('hex')}:login`, LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' };

  it('ASVS 2.2.1 — failures on instance A block the account on instance B and after A restarts', async () => {
    const username = `shared_${randomBytes(4).toString('hex')}`;
    const a = await startTestServer(shared);
    const b = await startTestServer(shared);
    try {
      const password = 'the right long password';
      await registerAccount(a, { username, password });
      await registerAccount(b, { username, password });
      for (let i = 0; i < 3; i += 1) await refusal(a.api.auth.login.mutate({ login: username, password: wrong }));
      expect(await refusal(b.api.auth.login.mutate({ login: username, password }))).toMatchObject({ reason: 'RATE_LIMITED' });
    } finally {
      await a.close();
      await b.close();
    }
    const restarted = await startTestServer(shared);
    try {
      await registerAccount(restarted, { username, password: 'the right long password' });
      expect(await refusal(restarted.api.auth.login.mutate({ login: username, password: 'the right long password' }))).toMatchObject({ reason: 'RATE_LIMITED' });
    } finally {
      await restarted.close();
    }
  });
});
