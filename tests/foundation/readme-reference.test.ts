/**
 * The README is the operator's reference: every environment variable and every error reason
 * must appear in its tables, so adding one without documenting it fails here.
 */
import { readFile } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';

import { configSchema } from '../../src/config.ts';
import { errorReasons } from '../../src/lib/errors.ts';

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
const tableRowKeys = new Set([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((match) => match[1]));

describe('README reference tables', () => {
  it('lists every configuration variable', () => {
    const undocumented = Object.keys(configSchema.shape).filter((name) => !tableRowKeys.has(name));
    expect(undocumented).toEqual([]);
  });

  it('lists every error reason', () => {
    const undocumented = Object.keys(errorReasons).filter((reason) => !tableRowKeys.has(reason));
    expect(undocumented).toEqual([]);
  });
});
