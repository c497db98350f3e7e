/**
 * The tRPC instance: superjson on the wire, and the error formatter that applies the public
 * error contract (see error-contract.ts) to every failure, including tRPC's own.
 */
import { initTRPC } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';

import { heartbeatIntervalMs } from '../realtime/heartbeat.ts';
import type { Context } from './context.ts';
import { describeError } from './error-contract.ts';
import { wireTransformer } from './wire-transformer.ts';

export const t = initTRPC.context<Context>().create({
  // superjson on the wire; responses serialized by a faster, output-identical path (ADR 0060).
  transformer: wireTransformer,
  // SSE streams carry a ping comment so proxies keep them open and a client whose
  // server vanished silently notices within three intervals and reconnects (with its last id).
  sse: {
    ping: { enabled: true, intervalMs: heartbeatIntervalMs },
    client: { reconnectAfterInactivityMs: heartbeatIntervalMs * 3 },
  },
  errorFormatter({ shape, error, ctx }) {
    const contract = describeError(error);
    return {
      code: TRPC_ERROR_CODES_BY_KEY[contract.code],
      message: contract.message,
      data: {
        code: contract.code,
        httpStatus: contract.httpStatus,
        reason: contract.reason,
        path: shape.data.path,
        requestId: ctx?.request.id,
        // Present only when there is something to say; deliberately no `stack`, ever.
        ...(contract.issues && { issues: contract.issues }),
        ...(contract.details && { details: contract.details }),
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
