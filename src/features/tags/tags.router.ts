/** `tags.*`: the tag cloud. */
import { z } from 'zod';

import { router } from '../../trpc/init.ts';
import { publicProcedure } from '../../trpc/procedures.ts';
import { popularTags, popularTagsMax } from './popular-tags.ts';

export const tagsRouter = router({
  popular: publicProcedure
    .input(z.object({ limit: z.number().int().min(1).max(popularTagsMax).default(20) }).strict().default({ limit: 20 }))
    .output(z.object({ tags: z.array(z.string()) }))
    .query(async ({ ctx, input }) => ({ tags: await popularTags(ctx, input) })),
});
