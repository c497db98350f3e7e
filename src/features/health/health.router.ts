/** `health.ping`: a typed round-trip check clients use to verify they can reach the API. */
import { z } from 'zod';

import { router } from '../../trpc/init.ts';
import { publicProcedure } from '../../trpc/procedures.ts';

export const pingInput = z
  .object({ echo: z.string().max(200).optional() })
  .optional();

export const pingOutput = z.object({ echo: z.string().nullable(), serverTime: z.date() });

export const healthRouter = router({
  ping: publicProcedure
    .input(pingInput)
    .output(pingOutput)
    .query(({ input }) => ({ echo: input?.echo ?? null, serverTime: new Date() })),
});
