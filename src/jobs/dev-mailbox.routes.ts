/**
 * `GET /dev/mailbox?limit=N`: the development transport's latest messages as JSON, so a
 * developer (or a local client) can read verification codes and links. Never registered in
 * production.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { Config } from '../config.ts';
import { rateLimitRoute } from '../rate-limit/rate-limit-routes.ts';
import type { RateLimits } from '../rate-limit/rate-limits.ts';
import { readDevMailbox } from './dev-mailbox.ts';

const mailboxQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

/** Limited like any read (`read` per IP): it reads files from disk on every call. */
export function registerDevMailboxRoutes(app: FastifyInstance, deps: { config: Pick<Config, 'NODE_ENV' | 'DEV_MAILBOX_DIR'>; rateLimits: RateLimits }): void {
  const { config } = deps;
  if (config.NODE_ENV === 'production') return;
  app.get('/dev/mailbox', { preHandler: rateLimitRoute(deps.rateLimits, 'read') }, async (request, reply) => {
    const query = mailboxQuerySchema.safeParse(request.query);
    if (!query.success) return reply.status(400).send({ error: 'limit must be an integer from 1 to 100' });
    return { messages: await readDevMailbox(config.DEV_MAILBOX_DIR, query.data.limit) };
  });
}
