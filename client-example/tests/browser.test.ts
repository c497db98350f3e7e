/**
 * The example page in headless Chromium (Debian's `chromium` + playwright-core) against a real
 * server and PostgreSQL, the page served by that server at /example: sign in, scroll the list,
 * open an article, and watch a comment posted through the API appear without a reload.
 * Screenshots go to client-example/test-artifacts/ (CI keeps them).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { registerAccount, type TestAccount } from '../../tests/helpers/accounts.ts';
import { startTestServer, type TestServer } from '../../tests/helpers/test-server.ts';

const pageDir = path.resolve(import.meta.dirname, '../dist/web');
const artifactsDir = path.resolve(import.meta.dirname, '../test-artifacts');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The machines have no internet: nothing in the background may try to reach it. */
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Upper bound for anything the page waits on (a live comment arrives well within it). */
const uiDeadlineMs = 15_000;

let server: TestServer;
let browser: BrowserContext;
let userDataDir: string;
let alice: TestAccount;
let page: Page;

beforeAll(async () => {
  if (!existsSync(path.join(pageDir, 'index.html'))) throw new Error(`${pageDir} is missing: run \`npm run build\` first (turbo's test task does)`);
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (.ci/run does)`);
  server = await startTestServer({ EXAMPLE_PAGE_DIR: pageDir });
  alice = await registerAccount(server);
  userDataDir = await mkdtemp(path.join(tmpdir(), 'conduit-chromium-'));
  // launchPersistentContext is how playwright takes a --user-data-dir: a fresh one per run.
  browser = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath, headless: true, args: chromiumArgs });
  await mkdir(artifactsDir, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  page = await browser.newPage();
  page.setDefaultTimeout(uiDeadlineMs);
  return () => page.close();
});

async function signIn(account: TestAccount): Promise<void> {
  await page.goto(`${server.baseUrl}/example/#/sign-in`);
  await page.getByTestId('login').fill(account.username);
  await page.getByTestId('password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').getByText(`Signed in as ${account.username}`).waitFor();
}

describe('the example page', () => {
  it('shows a comment posted through the API live, without a reload', async () => {
    const article = await alice.api.articles.create.mutate({ title: 'Live comments in the browser', description: 'Watch this space', body: 'Comments appear below as they are posted.', tagList: ['realtime'] });
    await alice.api.comments.add.mutate({ slug: article.slug, body: 'Already here before the page opened' });
    await signIn(alice);

    await page.getByTestId('article-link').filter({ hasText: article.title }).click();
    await page.getByTestId('article-title').getByText(article.title).waitFor();
    await page.getByTestId('comment-body').getByText('Already here before the page opened').waitFor();
    await page.locator('[data-testid="live-status"][data-state="live"]').waitFor();
    // Anything that reloads the page would reset this marker.
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));

    const bob = await registerAccount(server);
    await bob.api.comments.add.mutate({ slug: article.slug, body: 'Hello from the test, live' });

    const live = page.getByTestId('comment').filter({ hasText: 'Hello from the test, live' });
    await live.waitFor();
    expect(await live.textContent()).toContain(bob.username);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.screenshot({ path: path.join(artifactsDir, 'article-live-comment.png'), fullPage: true });
  });

  it('posts a comment from the form and shows it once', async () => {
    const article = await alice.api.articles.create.mutate({ title: 'Comment from the page', description: 'Form test', body: 'Say something.', tagList: [] });
    await signIn(alice);
    await page.getByTestId('article-link').filter({ hasText: article.title }).click();
    await page.locator('[data-testid="live-status"][data-state="live"]').waitFor();

    await page.getByTestId('comment-input').fill('Typed in the browser');
    await page.getByRole('button', { name: 'Post comment' }).click();
    await page.getByTestId('comment').filter({ hasText: 'Typed in the browser' }).waitFor();

    const { items } = await alice.api.comments.list.query({ slug: article.slug });
    expect(items.map((comment) => comment.body)).toEqual(['Typed in the browser']);
    // The stream echoes the page's own comment; it is shown once all the same.
    await expect.poll(() => page.getByTestId('comment').count(), { timeout: uiDeadlineMs }).toBe(1);
  });

  it('loads the next page of articles when the list is scrolled to the end', async () => {
    const writer = await registerAccount(server);
    for (let index = 1; index <= 25; index += 1) {
      await writer.api.articles.create.mutate({ title: `Scroll article ${String(index).padStart(2, '0')}`, description: 'Filler', body: '…', tagList: [] });
    }
    await page.setViewportSize({ width: 900, height: 600 });
    await page.goto(`${server.baseUrl}/example/`);
    // Newest first: the oldest one is only reached by scrolling through the cursor pages.
    const oldest = page.getByTestId('article-link').filter({ hasText: 'Scroll article 01' });
    for (let attempt = 0; attempt < 20 && !(await oldest.count()); attempt += 1) {
      await page.mouse.wheel(0, 5_000);
      await page.locator('[data-testid="list-status"]:not([data-state="loading"])').waitFor();
    }
    await oldest.waitFor();
    const titles = await page.getByTestId('article-link').allTextContents();
    expect(new Set(titles).size).toBe(titles.length);
    expect(titles.filter((title) => title.startsWith('Scroll article'))).toHaveLength(25);
  });
});
