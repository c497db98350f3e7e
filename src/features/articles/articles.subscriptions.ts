/**
 * `articles.onPublished({ feedOnly? })`: new articles as they are published (SSE or WebSocket).
 * With `feedOnly`, only those by authors the viewer follows — checked per event against
 * `follows` (a primary-key lookup), so a follow made mid-stream takes effect at once.
 */
import { z } from 'zod';

import type { Database } from '../../db/database.ts';
import type { StoredEvent } from '../../realtime/domain-events.ts';
import { streamEvents } from '../../realtime/event-stream.ts';
import { trackedEvents } from '../../realtime/stream-output.ts';
import { AppError } from '../../lib/errors.ts';
import { router } from '../../trpc/init.ts';
import { publicProcedure } from '../../trpc/procedures.ts';

export const onPublishedInput = z
  .object({ feedOnly: z.boolean().optional(), lastEventId: z.string().max(20).nullish() })
  .optional();

export const publishedArticleOutput = z.object({
  slug: z.string(),
  title: z.string(),
  description: z.string(),
  tagList: z.array(z.string()),
  createdAt: z.coerce.date(),
  author: z.object({ username: z.string(), bio: z.string(), image: z.string().nullable() }),
});

type PublishedArticle = z.input<typeof publishedArticleOutput>;

async function isFollowing(db: Database, followerId: string, followeeId: string): Promise<boolean> {
  const row = await db
    .selectFrom('follows')
    .select('followeeId')
    .where('followerId', '=', followerId)
    .where('followeeId', '=', followeeId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The article as subscribers see it; null when `viewerId` wants their feed and does not follow the author. */
export async function toPublishedArticle(db: Database, event: StoredEvent, feedOf: string | null): Promise<PublishedArticle | null> {
  if (event.type !== 'article.published') return null;
  if (feedOf !== null && !(await isFollowing(db, feedOf, event.payload.authorId))) return null;
  return event.payload.article;
}

export const articleSubscriptionsRouter = router({
  onPublished: publicProcedure
    .input(onPublishedInput)
    .output(trackedEvents(publishedArticleOutput))
    .subscription(({ ctx, input, signal }) => {
      const viewerId = ctx.auth?.user.id ?? null;
      if (input?.feedOnly && viewerId === null) throw new AppError('UNAUTHENTICATED', 'Sign in to follow your feed');
      const feedOf = input?.feedOnly ? viewerId : null;
      return streamEvents(ctx, {
        signal,
        lastEventId: input?.lastEventId,
        replay: { types: ['article.published'] },
        matches: (event) => event.type === 'article.published',
        render: (event) => toPublishedArticle(ctx.db, event, feedOf),
      });
    }),
});
