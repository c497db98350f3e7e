/**
 * Brute force (ASVS 2.2.1, 2.8.x; API2:2023 / API4:2023): login, reset requests, verification
 * codes and TOTP codes are throttled per account and per IP; the login throttle lives in Redis
 * when configured, so it survives a restart and holds across instances.
 */
import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { currentTotpStep, totpCodeAtStep } from '../accounts/accounts-kit.ts';
import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { createApiClient, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { outcome, rawMutation, refusal } from './security-helpers.ts';

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

/** Rate-limit tests vary the client IP through X-Forwarded-For from a trusted proxy (127.0.0.1). */
const limitsOn = { RATE_LIMITS: 'on', TRUSTED_PROXIES: '127.0.0.1' };
const from = (ip: string) => ({ 'x-forwarded-for': ip });

/** What a client can observe of an answer: status, reason, message (digits blurred: Retry-After seconds tick). */
async function observable(response: Response) {
  const body = (await response.json()) as { result?: { data?: { json?: unknown } }; error?: { json?: { message?: string; data?: { reason?: string } } } };
  return {
    status: response.status,
    data: body.result?.data?.json,
    reason: body.error?.json?.data?.reason,
    message: body.error?.json?.message?.replace(/\d+/g, 'N'),
    retryAfter: response.headers.has('retry-after'),
  };
}

describe('Brute force: password reset requests (ASVS 2.2.1, 2.5.x)', () => {
  let server: TestServer;
  let account: TestAccount;
  beforeAll(async () => {
    server = await startTestServer({ ...limitsOn, RATE_LIMIT_AUTH: '3/60', RATE_LIMIT_EMAIL: '2/600' });
    account = await registerAccount(server);
  });
  afterAll(() => server.close());

  const requestReset = (email: string, ip: string) => rawMutation(server.baseUrl, 'auth.password.requestReset', { email }, from(ip));

  it('ASVS 2.2.1 — password reset requests are throttled per IP', async () => {
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await requestReset(`victim${i}@example.com`, '10.1.0.1'));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429, 429]);
  });

  it('ASVS 2.2.1 — password reset requests are throttled per account, whatever the IP and spelling of the address', async () => {
    const spellings = [account.email, ` ${account.email.toUpperCase()} `, account.email];
    const statuses = [];
    for (const [i, email] of spellings.entries()) statuses.push((await requestReset(email, `10.1.1.${i}`)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('ASVS 2.5.x — the per-account throttle answers a registered and an unknown address alike (no enumeration)', async () => {
    const other = await registerAccount(server, { email: `known_${randomBytes(4).toString('hex')}@example.com` });
    const unknown = `unknown_${randomBytes(4).toString('hex')}@example.com`;
    const known = [];
    const nobody = [];
    for (let i = 0; i < 3; i += 1) {
      known.push(await observable(await requestReset(other.email, `10.1.2.${i}`)));
      nobody.push(await observable(await requestReset(unknown, `10.1.3.${i}`)));
    }
    expect(known.map((answer) => answer.status)).toEqual([200, 200, 429]);
    expect(known).toEqual(nobody);
  });
});

describe('Brute force: the per-address reset throttle survives a restart and holds across instances (Redis)', () => {
  const shared = { ...limitsOn, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: `conduit-test:${randomBytes(6).toString('hex')}:`, RATE_LIMIT_EMAIL: '2/600' };

  it('ASVS 2.2.1 — reset requests on instance A exhaust the address on instance B and after both restart', async () => {
    const email = `shared_${randomBytes(4).toString('hex')}@example.com`;
    const requestReset = (server: TestServer, ip: string) => rawMutation(server.baseUrl, 'auth.password.requestReset', { email }, from(ip));
    const a = await startTestServer(shared);
    const b = await startTestServer(shared);
    try {
      expect((await requestReset(a, '10.2.0.1')).status).toBe(200);
      expect((await requestReset(a, '10.2.0.2')).status).toBe(200);
      expect(await observable(await requestReset(b, '10.2.0.3'))).toMatchObject({ status: 429, reason: 'RATE_LIMITED', retryAfter: true });
    } finally {
      await a.close();
      await b.close();
    }
    const restarted = await startTestServer(shared);
    try {
      expect(await observable(await requestReset(restarted, '10.2.0.4'))).toMatchObject({ status: 429, reason: 'RATE_LIMITED' });
    } finally {
      await restarted.close();
    }
  });
});

describe('Brute force: email verification re-sends and codes (ASVS 2.2.1, 2.7.x)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ...limitsOn, RATE_LIMIT_AUTH: '3/60', RATE_LIMIT_EMAIL: '2/600' });
  });
  afterAll(() => server.close());

  let registrations = 0;
  /** An account registered from an IP of its own (so registering spends no test's budget), signed in from `ip`. */
  async function accountCallingFrom(ip: string) {
    registrations += 1;
    const account = await registerAccount({ baseUrl: server.baseUrl, api: createApiClient(server.baseUrl, from(`10.3.9.${registrations}`)) });
    return { ...account, api: createApiClient(server.baseUrl, { authorization: `Bearer ${account.token}`, ...from(ip) }) };
  }

  it('ASVS 2.7.x — verification re-sends are throttled per account (one code a minute)', async () => {
    const account = await accountCallingFrom('10.3.0.1');
    await account.api.auth.email.requestVerification.mutate();
    expect(await refusal(account.api.auth.email.requestVerification.mutate())).toMatchObject({ reason: 'RATE_LIMITED', httpStatus: 429 });
  });

  it('ASVS 2.2.1 — verification re-sends are throttled per IP across accounts', async () => {
    const accounts = await Promise.all([1, 2, 3, 4].map(() => accountCallingFrom('10.3.1.1')));
    const reasons = [];
    for (const account of accounts) reasons.push(await outcome(account.api.auth.email.requestVerification.mutate()));
    expect(reasons).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED']);
  });

  it('ASVS 2.2.1 — verification mail shares the per-address budget with password resets (one inbox cannot be flooded)', async () => {
    const account = await accountCallingFrom('10.3.2.1');
    for (const ip of ['10.3.2.2', '10.3.2.3']) expect((await rawMutation(server.baseUrl, 'auth.password.requestReset', { email: account.email }, from(ip))).status).toBe(200);
    expect(await refusal(account.api.auth.email.requestVerification.mutate())).toMatchObject({ reason: 'RATE_LIMITED', httpStatus: 429 });
  });

  it('ASVS 2.2.1 — verification code attempts are throttled per IP across accounts', async () => {
    const accounts = await Promise.all([1, 2, 3, 4].map(() => accountCallingFrom('10.3.3.1')));
    const reasons = [];
    for (const account of accounts) reasons.push(await outcome(account.api.auth.email.verify.mutate({ code: 'WRONG234' })));
    expect(reasons).toEqual(['INVALID_CODE', 'INVALID_CODE', 'INVALID_CODE', 'RATE_LIMITED']);
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

describe('Brute force: TOTP codes per account and per IP, at sign-in and at enable/disable (ASVS 2.2.1, 2.8.x)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ TRUSTED_PROXIES: '127.0.0.1', LOGIN_MAX_FAILURES_PER_ACCOUNT: '5', LOGIN_MAX_FAILURES_PER_IP: '8' });
  });
  afterAll(() => server.close());

  /** A six-digit code no clock skew the server allows would accept (the real ones are ±1 step). */
  function wrongCode(secret: string): string {
    const valid = new Set([-1, 0, 1].map((skew) => totpCodeAtStep(secret, currentTotpStep() + skew)));
    return ['000000', '111111', '222222', '333333'].find((code) => !valid.has(code))!;
  }

  /** An account whose client calls from `ip`, with a TOTP secret set up and, unless told otherwise, enabled. */
  async function accountWithTotp(ip: string, { isEnabled = true } = {}) {
    const account = await registerAccount(server);
    const api = createApiClient(server.baseUrl, { authorization: `Bearer ${account.token}`, ...from(ip) });
    const { secret } = await api.auth.twoFactor.setup.mutate();
    if (isEnabled) await api.auth.twoFactor.enable.mutate({ code: totpCodeAtStep(secret, currentTotpStep()) });
    return { ...account, api, anonymous: createApiClient(server.baseUrl, from(ip)), secret };
  }

  it('ASVS 2.8.x — wrong codes over fresh sign-in challenges add up per account: a known password does not reset the budget', async () => {
    const account = await accountWithTotp('10.4.0.1');
    const signIn = () => account.anonymous.auth.login.mutate({ login: account.username, password: account.password });
    for (const attempts of [3, 2]) {
      const login = await signIn();
      if (!login.twoFactorRequired) throw new Error('2FA should be required');
      for (let i = 0; i < attempts; i += 1) await refusal(account.anonymous.auth.twoFactor.verifyLogin.mutate({ challenge: login.challenge, code: wrongCode(account.secret) }));
    }
    expect(await refusal(signIn())).toMatchObject({ reason: 'RATE_LIMITED', httpStatus: 429 });
  });

  it('ASVS 2.8.x — wrong codes on auth.twoFactor.disable are throttled per account: a stolen session cannot guess 2FA off', async () => {
    const account = await accountWithTotp('10.4.1.1');
    const reasons = [];
    for (let i = 0; i < 5; i += 1) reasons.push(await outcome(account.api.auth.twoFactor.disable.mutate({ code: wrongCode(account.secret) })));
    expect(reasons).toEqual(Array(5).fill('INVALID_CODE'));
    const right = totpCodeAtStep(account.secret, currentTotpStep() + 1);
    expect(await refusal(account.api.auth.twoFactor.disable.mutate({ code: right }))).toMatchObject({ reason: 'RATE_LIMITED', httpStatus: 429 });
    expect(await server.db.selectFrom('twoFactorCredentials').select('enabledAt').where('userId', '=', account.id).executeTakeFirst()).toMatchObject({ enabledAt: expect.any(Date) });
  });

  it('ASVS 2.8.x — wrong codes on auth.twoFactor.enable are throttled per account', async () => {
    const account = await accountWithTotp('10.4.2.1', { isEnabled: false });
    for (let i = 0; i < 5; i += 1) await refusal(account.api.auth.twoFactor.enable.mutate({ code: wrongCode(account.secret) }));
    expect(await refusal(account.api.auth.twoFactor.enable.mutate({ code: totpCodeAtStep(account.secret, currentTotpStep()) }))).toMatchObject({ reason: 'RATE_LIMITED' });
  });

  it('ASVS 2.2.1 — TOTP guesses spread over accounts from one IP hit the per-IP limit', async () => {
    const accounts = await Promise.all([1, 2].map(() => accountWithTotp('10.4.3.1')));
    const reasons = [];
    for (const account of accounts) {
      for (let i = 0; i < 4; i += 1) reasons.push(await outcome(account.api.auth.twoFactor.disable.mutate({ code: wrongCode(account.secret) })));
    }
    expect(reasons).toEqual(Array(8).fill('INVALID_CODE'));
    // Each account has 4 failures (under its 5), the IP has 8 (its limit).
    expect(await refusal(accounts[0]!.api.auth.twoFactor.disable.mutate({ code: wrongCode(accounts[0]!.secret) }))).toMatchObject({ reason: 'RATE_LIMITED' });
  });
});
