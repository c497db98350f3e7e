/**
 * tRPC over Fastify, as `@trpc/server/adapters/fastify` serves it, plus a fast path for the
 * most common request: one GET query (no batch). The stock adapter turns every request into a
 * Fetch `Request` (URL, Headers, AbortController) and back from a `Response` stream; for a
 * single query that round trip cost more than the query itself (docs/decisions/0061).
 * The fast path calls the procedure directly and answers with one string. Everything else —
 * batches, mutations, subscriptions, malformed input, and every error — goes through tRPC's
 * own `resolveResponse`, so error shapes, status codes, `onError` and `responseMeta` are
 * tRPC's, not a copy of them.
 */
import {
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  type AnyTRPCProcedure,
  type AnyTRPCRouter,
  type TRPCError,
} from '@trpc/server';
import type { FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import { resolveResponse } from '@trpc/server/http';
import type { TRPCRequestInfo } from '@trpc/server/unstable-core-do-not-import';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

type TrpcOptions<TRouter extends AnyTRPCRouter> = FastifyTRPCPluginOptions<TRouter>['trpcOptions'];

/** The stock adapter's handler, with the `error` that `resolveResponse` answers without calling the procedure. */
async function resolveThroughTrpc<TRouter extends AnyTRPCRouter>(
  options: TrpcOptions<TRouter>,
  request: FastifyRequest, reply: FastifyReply, path: string, error: TRPCError | null) {
  const incoming = request.raw as typeof request.raw & { body?: unknown };
  if ('body' in request) incoming.body = request.body;
  const fetchRequest = incomingMessageToRequest(incoming, reply.raw, { maxBodySize: options.maxBodySize ?? null });
  const response = await resolveResponse({
    ...options,
    req: fetchRequest,
    path,
    error,
    createContext: async (inner) => await options.createContext?.({ ...inner, req: request, res: reply }),
    onError: (failure) => options.onError?.({ ...failure, req: request }),
  });
  await reply.send(response);
}

// A single procedure path: no batch (comma), nothing to decode.
const plainPath = /^[A-Za-z0-9_.]+$/;

/**
 * Answers a single GET query itself; returns false (having done nothing) when the request is
 * anything else, or when reading its input fails, so that tRPC answers it as usual.
 */
async function answerSingleQuery<TRouter extends AnyTRPCRouter>(
  options: TrpcOptions<TRouter>,
  request: FastifyRequest, reply: FastifyReply, path: string): Promise<boolean> {
  if (request.method !== 'GET' || !plainPath.test(path) || request.headers['trpc-accept'] !== undefined) return false;
  const query = request.query as Record<string, string | string[] | undefined>;
  for (const key in query) if (key !== 'input') return false;
  const { router } = options;
  // The router's flat path → procedure record; lazy routers are absent and take the usual path.
  const procedures = router._def.procedures as Record<string, AnyTRPCProcedure | undefined>;
  const procedure = procedures[path];
  if (procedure?._def.type !== 'query') return false;

  const config = router._def._config;
  let input: unknown;
  try {
    const raw = query.input;
    if (Array.isArray(raw)) return false;
    input = raw ? config.transformer.input.deserialize(JSON.parse(raw)) : undefined;
  } catch {
    return false;
  }

  const signal = new AbortController().signal;
  const call = { path, procedure, batchIndex: 0, getRawInput: () => Promise.resolve(input), result: () => input };
  const info: TRPCRequestInfo = { accept: null, type: 'query', isBatchCall: false, calls: [call], connectionParams: null, signal, url: null };
  let ctx: unknown;
  let data: unknown;
  try {
    ctx = await options.createContext?.({ req: request, res: reply, info });
    data = await callTRPCProcedure({ router, path, getRawInput: call.getRawInput, ctx, type: 'query', signal, batchIndex: 0 });
  } catch (cause) {
    // tRPC formats, reports and answers the failure; the procedure does not run again.
    await resolveThroughTrpc(options, request, reply, path, getTRPCErrorFromUnknown(cause));
    return true;
  }

  const body = { result: { data } };
  const meta = options.responseMeta?.({ ctx, info, paths: [path], type: 'query', data: [body], errors: [], eagerGeneration: false }) ?? {};
  if (meta.headers) {
    const headers = meta.headers instanceof Headers ? meta.headers.entries() : Object.entries(meta.headers);
    for (const [name, value] of headers) if (value !== undefined) void reply.header(name, value);
  }
  await reply
    .status(meta.status ?? 200)
    .header('vary', 'trpc-accept, accept')
    .header('content-type', 'application/json')
    // What transformTRPCResponse does for a result: the transformer serializes `data`. A Buffer,
    // because Fastify would append `; charset=utf-8` to a string's content type and tRPC does not.
    .send(Buffer.from(JSON.stringify({ result: { data: config.transformer.output.serialize(data) as unknown } })));
  return true;
}

/**
 * Drop-in for `fastifyTRPCPlugin` (same options; WebSockets are registered separately).
 *
 * @example
 * await app.register(fastifyTRPCFastPlugin, { prefix: '/trpc', trpcOptions: { router: appRouter, createContext } });
 */
export function fastifyTRPCFastPlugin<TRouter extends AnyTRPCRouter>(
  fastify: FastifyInstance,
  options: FastifyTRPCPluginOptions<TRouter>,
  done: (error?: Error) => void): void {
  if (options.useWSS) {
    done(new Error('fastifyTRPCFastPlugin does not serve WebSockets: register them on their own route'));
    return;
  }
  // As the stock plugin does: tRPC reads JSON bodies itself, and multipart bodies as streams.
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, parsed) => parsed(null, body));
  fastify.removeContentTypeParser('multipart/form-data');
  fastify.addContentTypeParser('multipart/form-data', {}, (_request, body, parsed) => parsed(null, body));

  fastify.all<{ Params: { path: string } }>('/:path', async (request, reply) => {
    const { path } = request.params;
    if (!(await answerSingleQuery(options.trpcOptions, request, reply, path))) {
      await resolveThroughTrpc(options.trpcOptions, request, reply, path, null);
    }
    return reply;
  });
  done();
}
