import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerAccount, type TestAccount } from '../helpers/accounts.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { currentTotpStep, failure, totpCodeAtStep } from './accounts-kit.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Registers an account and turns 2FA on with the code of step `step` (default: now). */
async function accountWithTwoFactor(step = currentTotpStep()): Promise<TestAccount & { secret: string; recoveryCodes: string[] }> {
  const account = await registerAccount(server);
  const { secret } = await account.api.auth.twoFactor.setup.mutate();
  const { recoveryCodes } = await account.api.auth.twoFactor.enable.mutate({ code: totpCodeAtStep(secret, step) });
  return { ...account, secret, recoveryCodes };
}

async function challengeFor(account: TestAccount): Promise<string> {
  const result = await server.api.auth.login.mutate({ login: account.username, password: account.password });
  if (!result.twoFactorRequired) throw new Error('expected a 2FA challenge');
  return result.challenge;
}

describe('auth.twoFactor', () => {
  it('sets up with a base32 secret, an otpauth:// URI and an SVG QR code', async () => {
    const alice = await registerAccount(server, { username: 'alice_2fa' });
    const setup = await alice.api.auth.twoFactor.setup.mutate();
    expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.uri).toMatch(/^otpauth:\/\/totp\/Conduit:alice_2fa\?/);
    expect(setup.uri).toContain(`secret=${setup.secret}`);
    expect(setup.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });

  it('enables with a valid code and returns ten distinct recovery codes, stored hashed', async () => {
    const bob = await accountWithTwoFactor();
    expect(new Set(bob.recoveryCodes).size).toBe(10);
    const rows = await server.db.selectFrom('twoFactorRecoveryCodes').select('codeHash').where('userId', '=', bob.id).execute();
    expect(rows).toHaveLength(10);
    const stored = JSON.stringify(rows);
    for (const code of bob.recoveryCodes) expect(stored).not.toContain(code);
  });

  it('refuses to enable with a wrong code', async () => {
    const carol = await registerAccount(server);
    const { secret } = await carol.api.auth.twoFactor.setup.mutate();
    const wrong = totpCodeAtStep(secret, currentTotpStep() + 5);
    expect(await failure(carol.api.auth.twoFactor.enable.mutate({ code: wrong }))).toMatchObject({ reason: 'INVALID_CODE' });
  });

  it('turns login into a challenge, finished by verifyLogin with a TOTP code', async () => {
    const step = currentTotpStep();
    const dave = await accountWithTwoFactor(step);
    const result = await server.api.auth.login.mutate({ login: dave.username, password: dave.password });
    expect(result).toEqual({ twoFactorRequired: true, challenge: expect.any(String), expiresAt: expect.any(Date) });
    if (!result.twoFactorRequired) return;
    // One step ahead: the ±1 step tolerance, and not the step enable already spent.
    const grant = await server.api.auth.twoFactor.verifyLogin.mutate({ challenge: result.challenge, code: totpCodeAtStep(dave.secret, step + 1) });
    expect(grant.user.id).toBe(dave.id);
    await expect(server.db.selectFrom('sessions').select('id').where('userId', '=', dave.id).execute()).resolves.toHaveLength(2);
  });

  it('rejects a TOTP code that was already used (replay)', async () => {
    const step = currentTotpStep();
    const erin = await accountWithTwoFactor(step);
    const replayed = await failure(server.api.auth.twoFactor.verifyLogin.mutate({ challenge: await challengeFor(erin), code: totpCodeAtStep(erin.secret, step) }));
    expect(replayed).toMatchObject({ reason: 'INVALID_CODE' });
  });

  it('accepts a code from the previous step but not from further away', async () => {
    const frank = await registerAccount(server);
    const { secret } = await frank.api.auth.twoFactor.setup.mutate();
    const step = currentTotpStep();
    expect(await failure(frank.api.auth.twoFactor.enable.mutate({ code: totpCodeAtStep(secret, step + 3) }))).toMatchObject({ reason: 'INVALID_CODE' });
    await expect(frank.api.auth.twoFactor.enable.mutate({ code: totpCodeAtStep(secret, step - 1) })).resolves.toMatchObject({ recoveryCodes: expect.any(Array) });
  });

  it('accepts each recovery code once', async () => {
    const gina = await accountWithTwoFactor();
    const [recoveryCode] = gina.recoveryCodes;
    if (!recoveryCode) throw new Error('no recovery code');
    await expect(server.api.auth.twoFactor.verifyLogin.mutate({ challenge: await challengeFor(gina), recoveryCode })).resolves.toMatchObject({ user: { id: gina.id } });
    expect(await failure(server.api.auth.twoFactor.verifyLogin.mutate({ challenge: await challengeFor(gina), recoveryCode }))).toMatchObject({ reason: 'INVALID_CODE' });
  });

  it('refuses a challenge after it expired', async () => {
    const hugo = await accountWithTwoFactor();
    const challenge = await challengeFor(hugo);
    await server.db.updateTable('loginChallenges').set({ expiresAt: new Date(Date.now() - 1_000) }).where('userId', '=', hugo.id).execute();
    const [recoveryCode] = hugo.recoveryCodes;
    expect(await failure(server.api.auth.twoFactor.verifyLogin.mutate({ challenge, recoveryCode: recoveryCode ?? '' }))).toMatchObject({ reason: 'CHALLENGE_EXPIRED', httpStatus: 401 });
  });

  it('drops a challenge after five wrong codes, and the wrong codes count towards the login throttle', async () => {
    const ines = await accountWithTwoFactor();
    const challenge = await challengeFor(ines);
    const wrong = totpCodeAtStep(ines.secret, currentTotpStep() + 10);
    const reasons = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      reasons.push((await failure(server.api.auth.twoFactor.verifyLogin.mutate({ challenge, code: wrong })))?.reason);
    }
    expect(reasons).toEqual(['INVALID_CODE', 'INVALID_CODE', 'INVALID_CODE', 'INVALID_CODE', 'TOO_MANY_ATTEMPTS', 'CHALLENGE_EXPIRED']);
    // A correct password no longer helps: a fresh challenge cannot be had to guess again.
    expect(await failure(server.api.auth.login.mutate({ login: ines.username, password: ines.password }))).toMatchObject({ reason: 'RATE_LIMITED' });
  });

  it('disables with a recovery code, after which login gives a session directly', async () => {
    const judy = await accountWithTwoFactor();
    await judy.api.auth.twoFactor.disable.mutate({ code: judy.recoveryCodes[1] ?? '' });
    const result = await server.api.auth.login.mutate({ login: judy.username, password: judy.password });
    expect(result).toMatchObject({ twoFactorRequired: false, user: { id: judy.id } });
  });

  it('records enabling and disabling in the audit log', async () => {
    const kim = await accountWithTwoFactor();
    await kim.api.auth.twoFactor.disable.mutate({ code: kim.recoveryCodes[0] ?? '' });
    const rows = await server.db.selectFrom('auditLog').select('action').where('targetId', '=', kim.id).where('action', 'like', 'auth.two_factor.%').orderBy('id').execute();
    expect(rows.map((row) => row.action)).toEqual(['auth.two_factor.enabled', 'auth.two_factor.disabled']);
  });
});
