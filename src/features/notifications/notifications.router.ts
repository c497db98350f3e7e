/** `notifications.onEvent`: the signed-in user's live notifications (SSE or WebSocket). */
import { streamEvents } from '../../realtime/event-stream.ts';
import { isCommentRemoved } from '../comments/comments.ts';
import { router } from '../../trpc/init.ts';
import { authedProcedure } from '../../trpc/procedures.ts';
import { notificationEventTypes, toNotification } from './notifications.ts';
import { notificationOutput, onNotificationInput } from './notifications.schemas.ts';
import { trackedEvents } from '../../realtime/stream-output.ts';

export const notificationsRouter = router({
  onEvent: authedProcedure
    .input(onNotificationInput)
    .output(trackedEvents(notificationOutput))
    .subscription(({ ctx, input, signal }) =>
      streamEvents(ctx, {
        signal,
        lastEventId: input?.lastEventId,
        replay: { types: notificationEventTypes, recipientId: ctx.user.id },
        matches: (event) => event.recipientId === ctx.user.id,
        render: async (event, { isReplay }) => {
          // A replay reaches back minutes, past a moderator's removal of the comment it announced.
          if (isReplay && event.type === 'comment.added' && (await isCommentRemoved(ctx.db, event.payload.comment.id))) return null;
          return toNotification(event);
        },
      }),
    ),
});
