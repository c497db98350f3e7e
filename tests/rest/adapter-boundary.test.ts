/** The REST layer only maps shapes: it never reaches the database or re-implements a rule. */
import { readdir, readFile } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';

import { restOperations } from '../../src/rest/rest-api.ts';

const restDir = new URL('../../src/rest/', import.meta.url);

describe('the REST adapter', () => {
  it('imports no database module and writes no SQL', async () => {
    for (const file of await readdir(restDir)) {
      const source = await readFile(new URL(file, restDir), 'utf8');
      expect(source, file).not.toMatch(/from '(kysely|pg)'|\/db\/|selectFrom|insertInto|updateTable|deleteFrom|\bsql`/);
    }
  });

  it('has one operation per path and method, each with a distinct operationId', () => {
    const routes = restOperations.map((operation) => `${operation.method} ${operation.path}`);
    expect(new Set(routes).size).toBe(routes.length);
    expect(new Set(restOperations.map((operation) => operation.operationId)).size).toBe(routes.length);
  });
});
