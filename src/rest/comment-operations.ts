/** `/articles/{slug}/comments…`: comments.list, comments.add, comments.delete. */
import { z } from 'zod';

import { addCommentInput, commentOutput, deleteCommentInput, listCommentsInput } from '../features/comments/comments.schemas.ts';
import { defineOperation, envelopeContent, integerParam, procedureInput, specFields, textParam } from './rest-operation.ts';
import { envelope } from './rest-schemas.ts';

const commentEnvelope = envelope('comment', commentOutput);
const slugPath = z.object({ slug: listCommentsInput.shape.slug.meta({ description: 'Slug of the article' }) });

export const listCommentsOperation = defineOperation({
  method: 'GET',
  path: '/articles/{slug}/comments',
  operationId: 'GetArticleComments',
  summary: "An article's comments, oldest first (auth optional)",
  tag: 'Comments',
  isAuthRequired: false,
  resource: 'article',
  request: { path: slugPath },
  success: { status: 200, description: 'The comments', schema: z.object({ comments: z.array(commentOutput) }) },
  errors: [404, 422],
  async handle({ caller, params }) {
    const { items } = await caller.comments.list(procedureInput({ slug: params.slug }));
    return { comments: items };
  },
});

export const addCommentOperation = defineOperation({
  method: 'POST',
  path: '/articles/{slug}/comments',
  operationId: 'CreateArticleComment',
  summary: 'Comment on an article',
  tag: 'Comments',
  isAuthRequired: true,
  resource: 'article',
  request: { path: slugPath, body: envelope('comment', addCommentInput.omit({ slug: true }).meta({ id: 'NewComment' })) },
  success: { status: 201, description: 'The new comment', schema: commentEnvelope },
  errors: [401, 403, 404, 422],
  async handle({ caller, params, body }) {
    const fields = specFields(envelopeContent(body, 'comment'), ['body']);
    return { comment: await caller.comments.add(procedureInput({ ...fields, slug: params.slug })) };
  },
});

export const deleteCommentOperation = defineOperation({
  method: 'DELETE',
  path: '/articles/{slug}/comments/{id}',
  operationId: 'DeleteArticleComment',
  summary: "Delete a comment (its author, the article's author, or a moderator giving a reason)",
  tag: 'Comments',
  isAuthRequired: true,
  resource: 'comment',
  request: {
    path: slugPath.extend({ id: deleteCommentInput.shape.id.meta({ description: 'Id of the comment' }) }),
    query: z.object({ reason: deleteCommentInput.shape.reason.meta({ description: "Moderators removing someone else's comment: why (audited)" }) }),
  },
  success: { status: 204, description: 'Deleted' },
  errors: [401, 403, 404, 422],
  async handle({ caller, params, query }) {
    const reason = textParam(query.reason);
    await caller.comments.delete(procedureInput({ slug: params.slug, id: integerParam(params.id), ...(reason !== undefined && { reason }) }));
  },
});

export const commentOperations = [listCommentsOperation, addCommentOperation, deleteCommentOperation];
