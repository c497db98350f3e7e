/**
 * Interactive documentation at /docs: Swagger UI over /api/openapi.json. Its assets are served
 * from the swagger-ui-dist package in node_modules (no CDN: these machines have no internet,
 * and a docs page should not phone home anyway). The page has no inline script, so helmet's
 * default Content-Security-Policy applies unchanged.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { FastifyInstance } from 'fastify';

import { rateLimitRoute } from '../rate-limit/rate-limit-routes.ts';
import type { RateLimits } from '../rate-limit/rate-limits.ts';

const swaggerUiDir = path.dirname(fileURLToPath(import.meta.resolve('swagger-ui-dist/package.json')));

/** The only files served from the package: an allow-list, never a path from the URL. */
const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Conduit API — REST documentation</title>
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-initializer.js"></script>
</body>
</html>
`;

// Its own file rather than an inline <script>, so the page needs no CSP exception.
const initializer = `window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: true,
  validatorUrl: null,
});
`;

/**
 * Every file counts against the client's `read` budget (per IP), like the API reads it documents.
 *
 * @example registerApiDocs(app, { rateLimits }); // GET /docs → Swagger UI
 */
export function registerApiDocs(app: FastifyInstance, deps: { rateLimits: RateLimits }): void {
  const limited = { preHandler: rateLimitRoute(deps.rateLimits, 'read') };
  app.get('/docs', limited, (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
  app.get('/docs/', limited, (_request, reply) => reply.redirect('/docs'));
  app.get('/docs/swagger-initializer.js', limited, (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(initializer),
  );
  for (const [file, contentType] of Object.entries(assets)) {
    app.get(`/docs/${file}`, limited, (_request, reply) =>
      reply
        .type(contentType)
        .header('cache-control', 'public, max-age=86400')
        .send(createReadStream(path.join(swaggerUiDir, file))),
    );
  }
}
