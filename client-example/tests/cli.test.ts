/**
 * The `conduit` CLI against a real server and PostgreSQL, run as a child process: sign-in and
 * the credentials file, writing and listing articles, a live comment tail, tokens, exit codes.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { registerAccount, type TestAccount } from '../../tests/helpers/accounts.ts';
import { startTestServer, type TestServer } from '../../tests/helpers/test-server.ts';
import { finished, runCli, startCli, waitForOutput } from './helpers/run-cli.ts';

let server: TestServer;
let configDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  configDir = await mkdtemp(path.join(tmpdir(), 'conduit-cli-'));
  env = { CONDUIT_URL: server.baseUrl, CONDUIT_CONFIG_DIR: configDir };
  return () => rm(configDir, { recursive: true, force: true });
});

async function signedInAccount(): Promise<TestAccount> {
  const account = await registerAccount(server);
  const login = await runCli(['login', '--user', account.username, '--password-stdin'], env, `${account.password}\n`);
  expect(login).toMatchObject({ code: 0 });
  return account;
}

async function anArticle(author: TestAccount, title = `Dragons ${Math.random().toString(36).slice(2, 8)}`) {
  return author.api.articles.create.mutate({ title, description: 'About dragons', body: 'They fly.', tagList: ['dragons'] });
}

describe('conduit login', () => {
  it('stores the session token in the config directory, readable by the user alone', async () => {
    const account = await signedInAccount();
    const file = path.join(configDir, 'credentials.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const whoami = await runCli(['whoami'], env);
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toContain(account.username);
  });

  it('signs out: the stored session stops working and the file is gone', async () => {
    await signedInAccount();
    expect(await runCli(['logout'], env)).toMatchObject({ code: 0 });
    expect(await runCli(['whoami'], env)).toMatchObject({ code: 3 });
  });

  it('refuses a wrong password with the server code and exit code 3', async () => {
    const account = await registerAccount(server);
    const result = await runCli(['login', '--user', account.username, '--password-stdin'], env, 'not-the-password\n');
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^Error UNAUTHORIZED \(\w+\): /m);
  });
});

describe('conduit articles', () => {
  it('creates an article and finds it in the list, as a table and as JSON', async () => {
    const account = await signedInAccount();
    const created = await runCli(['articles', 'create', '--title', 'How to train your dragon', '--description', 'Ever wonder how?', '--body', 'Very carefully.', '--tag', 'dragons'], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Published how-to-train-your-dragon/m);

    const table = await runCli(['articles', 'list', '--author', account.username], env);
    expect(table.stdout.split('\n')[0]).toMatch(/^SLUG\s+TITLE\s+AUTHOR/);
    expect(table.stdout).toContain('How to train your dragon');

    const json = await runCli(['articles', 'list', '--author', account.username, '--json'], env);
    const page = JSON.parse(json.stdout) as { items: Array<{ slug: string; author: { username: string } }>; nextCursor: string | null };
    expect(page.items).toEqual([expect.objectContaining({ slug: 'how-to-train-your-dragon', author: expect.objectContaining({ username: account.username }) })]);
  });

  it('favorites an article and reads it back with its body', async () => {
    const author = await registerAccount(server);
    const article = await anArticle(author);
    await signedInAccount();
    expect((await runCli(['articles', 'favorite', article.slug], env)).stdout).toMatch(/Favorited .* \(1 ♥\)/);
    const got = await runCli(['articles', 'get', article.slug, '--json'], env);
    expect(JSON.parse(got.stdout)).toMatchObject({ slug: article.slug, body: 'They fly.', favorited: true, favoritesCount: 1 });
  });
});

describe('conduit comments tail', () => {
  it('prints a comment posted while it runs, then exits 0 on Ctrl-C', async () => {
    const author = await registerAccount(server);
    const article = await anArticle(author);
    await author.api.comments.add.mutate({ slug: article.slug, body: 'An earlier comment' });
    const tail = startCli(['comments', 'tail', article.slug], env);
    tail.stdin.end();
    const exited = finished(tail);
    const history = waitForOutput(tail, 'stdout', /An earlier comment/);
    await waitForOutput(tail, 'stderr', /Watching comments on/);
    await history;

    const arrived = waitForOutput(tail, 'stdout', /: Live from the test/);
    await author.api.comments.add.mutate({ slug: article.slug, body: 'Live from the test' });
    expect(await arrived).toContain(`${author.username}: Live from the test`);

    tail.kill('SIGINT');
    expect((await exited).code).toBe(0);
  });
});

describe('conduit tokens', () => {
  it('creates a personal access token that works as CONDUIT_TOKEN, lists it, and revokes it', async () => {
    const account = await signedInAccount();
    const created = await runCli(['tokens', 'create', '--name', 'ci', '--scope', 'read', '--json'], env);
    const token = JSON.parse(created.stdout) as { id: string; token: string };
    expect(token.token).toMatch(/^cdt_/);

    const elsewhere = { CONDUIT_URL: server.baseUrl, CONDUIT_CONFIG_DIR: path.join(configDir, 'empty'), CONDUIT_TOKEN: token.token };
    expect((await runCli(['whoami'], elsewhere)).stdout).toContain(account.username);
    expect((await runCli(['tokens', 'list'], env)).stdout).toMatch(new RegExp(`${token.id}\\s+ci\\s+read`));

    expect(await runCli(['tokens', 'revoke', token.id], env)).toMatchObject({ code: 0 });
    expect(await runCli(['whoami'], elsewhere)).toMatchObject({ code: 3 });
  });
});

describe('conduit exit codes', () => {
  it('exits 2 on a command-line mistake, before any request', async () => {
    expect(await runCli(['articles', 'list', '--limit', 'many'], env)).toMatchObject({ code: 2 });
    expect(await runCli(['articels'], env)).toMatchObject({ code: 2 });
  });

  it('exits 3 when a command needs a sign-in and there is none', async () => {
    const result = await runCli(['articles', 'create', '--title', 'x', '--body', 'y'], env);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('Not signed in');
  });

  it('exits 4 and shows the server code and message when the server refuses', async () => {
    const result = await runCli(['articles', 'get', 'no-such-article'], env);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^Error NOT_FOUND \(NOT_FOUND\): .+/m);
    const json = await runCli(['articles', 'get', 'no-such-article', '--json'], env);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });

  it('exits 1 when the server cannot be reached', async () => {
    const result = await runCli(['articles', 'list'], { ...env, CONDUIT_URL: `http://127.0.0.1:${await closedPort()}` });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot reach the server');
  });

  it('prints help for every command and exits 0', async () => {
    for (const command of [[], ['login'], ['articles', 'list'], ['articles', 'create'], ['comments', 'tail'], ['tokens', 'create']]) {
      const result = await runCli([...command, '--help'], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: conduit/);
    }
  });
});

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}
