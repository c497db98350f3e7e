/**
 * CORS per surface. /api authenticates by the Authorization header only (rest-context.ts drops
 * cookies), so any origin may call it: the RealWorld frontends run on origins we do not know.
 * Everything else (/trpc with its session cookie) keeps the allow-list and credentials.
 */
import type { FastifyCorsOptions, FastifyCorsOptionsDelegateCallback } from '@fastify/cors';

import { requestIdHeader } from '../http/request-id.ts';

const restCorsOptions: FastifyCorsOptions = {
  origin: '*',
  credentials: false,
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  // No allow-list of request headers: the preflight's are reflected (frontends add their own,
  // e.g. X-Requested-With), which is safe because no credentials ride along.
  exposedHeaders: [requestIdHeader, 'x-error-reason'],
  maxAge: 600,
};

/**
 * @example await app.register(cors, { delegator: withRestCors({ origin: config.CORS_ORIGINS, credentials: true }) });
 */
export function withRestCors(appCorsOptions: FastifyCorsOptions): FastifyCorsOptionsDelegateCallback {
  return (request, callback) => {
    callback(null, request.url === '/api' || request.url.startsWith('/api/') ? restCorsOptions : appCorsOptions);
  };
}
