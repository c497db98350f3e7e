/** `/tags`: tags.popular (cached briefly by the procedure). */
import { z } from 'zod';

import { defineOperation } from './rest-operation.ts';

export const listTagsOperation = defineOperation({
  method: 'GET',
  path: '/tags',
  operationId: 'GetTags',
  summary: 'The most used tags of live articles',
  tag: 'Tags',
  isAuthRequired: false,
  resource: 'tags',
  success: { status: 200, description: 'Tags, most used first', schema: z.object({ tags: z.array(z.string()) }) },
  errors: [],
  async handle({ caller }) {
    return caller.tags.popular();
  },
});

export const tagOperations = [listTagsOperation];
