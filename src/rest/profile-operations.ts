/** `/profiles/{username}` and its `/follow`: profiles.get, profiles.follow, profiles.unfollow. */
import { z } from 'zod';

import { profileOutput, usernameInput } from '../features/profiles/profiles.schemas.ts';
import { defineOperation, procedureInput } from './rest-operation.ts';
import { envelope } from './rest-schemas.ts';

const profileEnvelope = envelope('profile', profileOutput);
const usernamePath = z.object({ username: usernameInput.shape.username.meta({ description: 'Username of the profile' }) });

export const getProfileOperation = defineOperation({
  method: 'GET',
  path: '/profiles/{username}',
  operationId: 'GetProfileByUsername',
  summary: 'Get a profile (auth optional: following is false when anonymous)',
  tag: 'Profile',
  isAuthRequired: false,
  resource: 'profile',
  request: { path: usernamePath },
  success: { status: 200, description: 'The profile', schema: profileEnvelope },
  errors: [404, 422],
  async handle({ caller, params }) {
    return { profile: await caller.profiles.get(procedureInput({ username: params.username })) };
  },
});

export const followOperation = defineOperation({
  method: 'POST',
  path: '/profiles/{username}/follow',
  operationId: 'FollowUserByUsername',
  summary: 'Follow a user (idempotent)',
  tag: 'Profile',
  isAuthRequired: true,
  resource: 'profile',
  request: { path: usernamePath },
  success: { status: 200, description: 'The profile, now followed', schema: profileEnvelope },
  errors: [401, 403, 404, 422],
  async handle({ caller, params }) {
    return { profile: await caller.profiles.follow(procedureInput({ username: params.username })) };
  },
});

export const unfollowOperation = defineOperation({
  method: 'DELETE',
  path: '/profiles/{username}/follow',
  operationId: 'UnfollowUserByUsername',
  summary: 'Unfollow a user (idempotent)',
  tag: 'Profile',
  isAuthRequired: true,
  resource: 'profile',
  request: { path: usernamePath },
  success: { status: 200, description: 'The profile, no longer followed', schema: profileEnvelope },
  errors: [401, 403, 404, 422],
  async handle({ caller, params }) {
    return { profile: await caller.profiles.unfollow(procedureInput({ username: params.username })) };
  },
});

export const profileOperations = [getProfileOperation, followOperation, unfollowOperation];
