/** What `notifications.onEvent` streams to the signed-in user. */
import { z } from 'zod';

/** tRPC puts the client's last seen event id here when it reconnects (SSE and WebSocket). */
export const lastEventIdInput = z.string().max(20).nullish();

export const onNotificationInput = z.object({ lastEventId: lastEventIdInput }).optional();

const actor = z.object({ username: z.string(), bio: z.string(), image: z.string().nullable() });
const articleRef = z.object({ slug: z.string(), title: z.string() });

export const notificationOutput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('new-follower'), actor, at: z.date() }),
  z.object({ kind: z.literal('article-favorited'), actor, article: articleRef, at: z.date() }),
  z.object({ kind: z.literal('comment-on-article'), actor, article: articleRef, commentId: z.string(), body: z.string(), at: z.date() }),
]);

export type Notification = z.infer<typeof notificationOutput>;
