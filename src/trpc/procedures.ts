/**
 * The procedure builders every feature router picks from. Authentication, scopes, roles and
 * CSRF are decided here, as middleware, never with ad hoc checks inside procedures.
 */
import { readCredential } from '../features/auth/authenticate.ts';
import { isCrossSiteMutation } from '../features/auth/csrf.ts';
import { replicaContextFor } from '../db/read-routing.ts';
import { AppError } from '../lib/errors.ts';
import { enforceDefaultRateLimit } from '../rate-limit/rate-limit-middleware.ts';
import { observeProcedure } from '../observability/procedure-metrics.ts';
import { t } from './init.ts';
// Security: text PostgreSQL cannot store exactly is refused before any feature sees it.
import { assertStorableText } from './text-input-guard.ts';
// Security: a WebSocket's calls see the credential's current state, not the one it connected with.
import { withCurrentCredential } from './websocket-reauthentication.ts';

type Role = 'user' | 'moderator' | 'admin';

/**
 * What every call passes, in this order: the caller's current credential (WebSocket calls
 * resolve it again), CSRF (cookie-authenticated mutations must come from a trusted origin), storable text, the default rate limit (`read`/`write`/`auth`, see
 * rate-limit-middleware.ts), then read routing. One middleware, not four: tRPC copies a call's
 * options twice for every middleware level, about 6 µs a level on each request
 * (docs/performance.md), and these four run on every call of every procedure.
 */
const guardEveryCall = t.middleware(async ({ ctx: callCtx, type, getRawInput, next }) => {
  const ctx = await withCurrentCredential(callCtx);
  if (type === 'mutation') {
    // A stale or forged session cookie still counts as a cookie: login CSRF is refused too.
    const credentialVia = readCredential(ctx.request.headers, ctx.lucia)?.via ?? null;
    if (isCrossSiteMutation(ctx.request.headers, ctx.config.CORS_ORIGINS, credentialVia)) {
      throw new AppError('CSRF_REJECTED', 'Cross-site request refused: the Origin is not allowed');
    }
  }
  assertStorableText(await getRawInput());
  // Every procedure gets its default rate-limit policy and read routing.
  await enforceDefaultRateLimit(ctx, type);
  const replica = replicaContextFor(ctx, type);
  if (ctx === callCtx && !replica) return next();
  return next({ ctx: { auth: ctx.auth, ...replica } });
});

/** Anyone may call; every call is observed (metrics) and guarded as `guardEveryCall` says. */
export const publicProcedure = t.procedure.use(observeProcedure).use(guardEveryCall);

/** Signed-in callers only; `ctx.user` is non-null. Mutations need the `write` scope, reads `read`; the account must be active. */
export const authedProcedure = publicProcedure.use(({ ctx, type, next }) => {
  const { auth } = ctx;
  if (!auth) throw new AppError('UNAUTHENTICATED', 'Sign in to do this');
  if (type === 'mutation' && !auth.scopes.has('write')) {
    throw new AppError('INSUFFICIENT_SCOPE', 'This token is read-only');
  }
  // A write-only access token may not read.
  if (type !== 'mutation' && !auth.scopes.has('read')) {
    throw new AppError('INSUFFICIENT_SCOPE', 'This token lacks the read scope');
  }
  // A suspended account's sessions and tokens stop working entirely.
  if (auth.user.suspendedAt) {
    throw new AppError('ACCOUNT_SUSPENDED', 'This account is suspended');
  }
  return next({ ctx: { auth, user: auth.user } });
});

/**
 * Accounts and security: signed in with a session (not a personal access token). Managing
 * credentials — passwords, 2FA, sessions, tokens — needs one, so a leaked script token
 * cannot take over the account.
 */
export const sessionProcedure = authedProcedure.use(({ ctx, next }) => {
  const { session } = ctx.auth;
  if (!session) throw new AppError('SESSION_REQUIRED', 'Sign in with a password to do this; access tokens cannot');
  return next({ ctx: { session } });
});

/**
 * Signed-in callers holding one of `roles`.
 *
 * @example export const adminProcedure = roleProcedure('admin');
 */
export function roleProcedure(...roles: [Role, ...Role[]]) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!roles.includes(ctx.user.role)) throw new AppError('FORBIDDEN', `Requires role: ${roles.join(' or ')}`);
    return next();
  });
}

export const moderatorProcedure = roleProcedure('moderator', 'admin');
export const adminProcedure = roleProcedure('admin');
