import { readFile } from 'node:fs/promises';

import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { startTestServer, type TestServer } from '../helpers/test-server.ts';

// A copy of the RealWorld specification (shared/realworld/openapi.yml), kept in the repo so
// the comparison does not depend on the workplace layout.
const realWorldSpecUrl = new URL('../fixtures/realworld/openapi.yml', import.meta.url);
const httpMethods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

interface Document {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
}

function operationsOf(document: Document): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) => Object.keys(item).filter((key) => httpMethods.includes(key)).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

let server: TestServer;
let document: Document;
beforeAll(async () => {
  server = await startTestServer();
  document = (await (await fetch(`${server.baseUrl}/api/openapi.json`)).json()) as Document;
});
afterAll(() => server.close());

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('has exactly the paths and methods of the RealWorld specification', async () => {
    const realWorld = parse(await readFile(realWorldSpecUrl, 'utf8')) as Document;
    expect(operationsOf(document)).toEqual(operationsOf(realWorld));
  });

  it('declares the Token security scheme RealWorld clients use', () => {
    expect(document).toMatchObject({ components: { securitySchemes: { Token: { type: 'apiKey', in: 'header', name: 'Authorization' } } } });
  });
});

describe('GET /docs', () => {
  it('serves an HTML page whose scripts and styles all come from this server', async () => {
    const response = await fetch(`${server.baseUrl}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(references.length).toBeGreaterThanOrEqual(3);
    for (const reference of references) {
      expect(reference).toMatch(/^\/docs\//);
      const asset = await fetch(`${server.baseUrl}${reference}`);
      expect(asset.status, reference).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, reference).toBeGreaterThan(0);
    }
  });

  it('redirects /docs/ to /docs', async () => {
    const response = await fetch(`${server.baseUrl}/docs/`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/docs');
  });

  it('points Swagger UI at the generated document', async () => {
    const script = await (await fetch(`${server.baseUrl}/docs/swagger-initializer.js`)).text();
    expect(script).toContain("url: '/api/openapi.json'");
  });

  it('needs no inline script, so the default Content-Security-Policy stays in force', async () => {
    const response = await fetch(`${server.baseUrl}/docs`);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).not.toMatch(/<script>(?!<\/script>)/);
  });
});
