/** `auth.tokens.*`: personal access tokens for scripts and CLIs (managed from a session only). */
import { z } from 'zod';

import { router } from '../../trpc/init.ts';
import { sessionProcedure } from '../../trpc/procedures.ts';
import { auditOriginOf } from '../audit/audit-log.ts';
import { createAccessToken, listAccessTokens, revokeAccessToken } from './access-tokens.ts';
import { accessTokenIdInput, accessTokenSummaryOutput, createAccessTokenInput, createdAccessTokenOutput } from './access-tokens.schemas.ts';

export const accessTokensRouter = router({
  create: sessionProcedure
    .input(createAccessTokenInput)
    .output(createdAccessTokenOutput)
    .mutation(({ ctx, input }) => createAccessToken(ctx.db, auditOriginOf(ctx), ctx.user.id, input)),

  list: sessionProcedure.output(z.array(accessTokenSummaryOutput)).query(({ ctx }) => listAccessTokens(ctx.db, ctx.user.id)),

  revoke: sessionProcedure
    .input(accessTokenIdInput)
    .output(z.void())
    .mutation(({ ctx, input }) => revokeAccessToken(ctx.db, auditOriginOf(ctx), ctx.user.id, input.id)),
});
