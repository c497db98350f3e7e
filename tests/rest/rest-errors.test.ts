/** The mapping from the error contract to RealWorld's error body, for failures hard to provoke over HTTP. */
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';

import { AppError } from '../../src/lib/errors.ts';
import { toRestError } from '../../src/rest/rest-errors.ts';

describe('toRestError', () => {
  it('answers 429 with the wait from the rate limiter, for `Retry-After`', () => {
    const failure = toRestError(new AppError('RATE_LIMITED', 'Too many failed sign-ins', { details: { retryAfterSeconds: 12.2 } }), { resource: 'user' });
    expect(failure).toEqual({ status: 429, reason: 'RATE_LIMITED', body: { errors: { rate_limited: ['Too many failed sign-ins'] } }, retryAfterSeconds: 13 });
  });

  it('hides the cause of an unexpected error behind a 500', () => {
    const failure = toRestError(new Error('relation "secret_table" does not exist'), { resource: 'article' });
    expect(failure).toEqual({ status: 500, reason: 'INTERNAL', body: { errors: { internal: ['Internal server error'] } } });
  });

  it('says 503 when the database cannot be reached', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const failure = toRestError(new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause }), { resource: 'article' });
    expect(failure.status).toBe(503);
    expect(failure.reason).toBe('UNAVAILABLE');
  });

  it('uses `details.resource` over the operation\'s resource for a 404', () => {
    const failure = toRestError(new AppError('NOT_FOUND', 'No such article', { details: { resource: 'article' } }), { resource: 'comment' });
    expect(failure.body).toEqual({ errors: { article: ['No such article'] } });
  });

  it('reports a two-factor challenge on `twoFactor` with 401', () => {
    const failure = toRestError(new AppError('UNAUTHENTICATED', 'Two-factor sign-in required', { details: { field: 'twoFactor' } }), { resource: 'user' });
    expect(failure).toEqual({ status: 401, reason: 'UNAUTHENTICATED', body: { errors: { twoFactor: ['Two-factor sign-in required'] } } });
  });
});
