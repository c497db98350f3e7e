/**
 * Serves the client example's built page (client-example/dist/web, `npm run build`) at
 * /example, so the page and the API share one origin: no CORS, and the page's Server-Sent
 * Events stream is an ordinary same-origin request. Nothing is registered when the directory
 * has not been built, which is the case for a server-only deployment.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * @example await registerExamplePage(app, config.EXAMPLE_PAGE_DIR); // GET /example/ → index.html
 */
export async function registerExamplePage(app: FastifyInstance, directory: string): Promise<void> {
  if (!existsSync(path.join(directory, 'index.html'))) return;
  await app.register(fastifyStatic, { root: directory, prefix: '/example/', decorateReply: false, index: 'index.html' });
  app.get('/example', (_request, reply) => reply.redirect('/example/'));
}
