import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AppRouter } from '../../src/client.ts';
import { AppError } from '../../src/lib/errors.ts';
import { describeError } from '../../src/trpc/error-contract.ts';
import { TRPCError } from '@trpc/server';
import { createUnbatchedApiClient, startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ BODY_LIMIT_BYTES: '2048', TRPC_MAX_BATCH_SIZE: '3' });
});
afterAll(() => server.close());

async function rawJson(path: string, init?: RequestInit) {
  const response = await fetch(`${server.baseUrl}${path}`, init);
  return { status: response.status, body: (await response.json()) as { error: { json: Record<string, unknown> } } };
}

describe('error contract over tRPC', () => {
  it('reports validation failures with reason, status and the issue per field path', async () => {
    const error = await server.api.health.ping
      // @ts-expect-error -- deliberately the wrong input type
      .query({ echo: 42 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCClientError);
    const { data, message } = error as TRPCClientError<AppRouter>;
    expect(data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, reason: 'VALIDATION_ERROR', path: 'health.ping' });
    expect(data?.issues).toEqual([{ path: 'echo', message: expect.stringContaining('expected string') }]);
    expect(message).toContain('echo');
  });

  it('rejects an over-long string with the field path', async () => {
    const error = (await server.api.health.ping.query({ echo: 'x'.repeat(201) }).catch((caught: unknown) => caught)) as TRPCClientError<AppRouter>;
    expect(error.data?.reason).toBe('VALIDATION_ERROR');
    expect(error.data?.issues?.[0]?.path).toBe('echo');
  });

  it('answers an unknown procedure with 404 PROCEDURE_NOT_FOUND', async () => {
    const { status, body } = await rawJson('/trpc/articles.nope');
    expect(status).toBe(404);
    expect(body.error.json.data).toMatchObject({ reason: 'PROCEDURE_NOT_FOUND', httpStatus: 404 });
  });

  it('answers the wrong HTTP method with 405 METHOD_NOT_ALLOWED', async () => {
    const { status, body } = await rawJson('/trpc/health.ping', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(status).toBe(405);
    expect(body.error.json.data).toMatchObject({ reason: 'METHOD_NOT_ALLOWED' });
  });

  it('answers malformed JSON input with 400 MALFORMED_REQUEST and keeps serving', async () => {
    const { status, body } = await rawJson('/trpc/health.ping?input=%7Bnot-json');
    expect(status).toBe(400);
    expect(body.error.json.data).toMatchObject({ reason: 'MALFORMED_REQUEST', code: 'BAD_REQUEST' });
    await expect(server.api.health.ping.query()).resolves.toMatchObject({ echo: null });
  });

  it('answers an oversized body with 413 PAYLOAD_TOO_LARGE in the tRPC envelope', async () => {
    const { status, body } = await rawJson('/trpc/health.ping', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { echo: 'x'.repeat(4096) } }),
    });
    expect(status).toBe(413);
    expect(body.error.json.data).toMatchObject({ reason: 'PAYLOAD_TOO_LARGE', httpStatus: 413 });
  });

  it('answers a batch over TRPC_MAX_BATCH_SIZE with 400 BATCH_TOO_LARGE', async () => {
    const { status, body } = await rawJson('/trpc/health.ping,health.ping,health.ping,health.ping?batch=1&input=%7B%7D');
    expect(status).toBe(400);
    expect(body.error.json.data).toMatchObject({ reason: 'BATCH_TOO_LARGE' });
  });

  it('serves a batch within the limit in one HTTP request', async () => {
    const before = server.logs.filter((line) => line.msg === 'incoming request').length;
    const results = await Promise.all([server.api.health.ping.query({ echo: 'a' }), server.api.health.ping.query({ echo: 'b' })]);
    expect(results.map((result) => result.echo)).toEqual(['a', 'b']);
    const incoming = server.logs.filter((line) => line.msg === 'incoming request').slice(before);
    expect(incoming).toHaveLength(1);
  });

  it('round-trips rich types through superjson', async () => {
    const client = createUnbatchedApiClient(server.baseUrl);
    const { serverTime } = await client.health.ping.query();
    expect(serverTime).toBeInstanceOf(Date);
  });

  it('never sends a stack trace', async () => {
    const { body } = await rawJson('/trpc/health.ping?input=%7B%22json%22%3A%7B%22echo%22%3A1%7D%7D');
    expect(JSON.stringify(body)).not.toMatch(/stack|\.ts:\d+|at .*\(/);
  });
});

describe('error contract outside tRPC', () => {
  it('answers an unknown route with 404 ROUTE_NOT_FOUND as JSON', async () => {
    const response = await fetch(`${server.baseUrl}/nowhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { reason: 'ROUTE_NOT_FOUND', httpStatus: 404, requestId: expect.any(String) } });
  });
});

describe('describeError', () => {
  it('hides the message of unexpected errors', () => {
    const contract = describeError(new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'relation "users" SELECT secret', cause: new Error('boom') }));
    expect(contract).toEqual({ code: 'INTERNAL_SERVER_ERROR', httpStatus: 500, reason: 'INTERNAL', message: 'Internal server error' });
  });

  it('maps an unreachable database to 503 UNAVAILABLE', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const contract = describeError(new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: refused }));
    expect(contract).toMatchObject({ reason: 'UNAVAILABLE', httpStatus: 503, code: 'SERVICE_UNAVAILABLE' });
  });

  it('keeps the reason and details of an AppError', () => {
    const contract = describeError(new AppError('EMAIL_TAKEN', 'That email is registered', { details: { field: 'email' } }));
    expect(contract).toEqual({ code: 'CONFLICT', httpStatus: 409, reason: 'EMAIL_TAKEN', message: 'That email is registered', details: { field: 'email' } });
  });
});
