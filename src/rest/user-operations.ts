/** `/users`, `/users/login`, `/user`: registration, sign-in and the current user (auth.*, users.update). */
import { z } from 'zod';

import type { CurrentUser } from '../features/auth/auth.schemas.ts';
import { loginInput, registerInput } from '../features/auth/auth.schemas.ts';
import { updateUserInput } from '../features/users/users.schemas.ts';
import { AppError } from '../lib/errors.ts';
import { defineOperation, envelopeContent, procedureInput, specFields } from './rest-operation.ts';
import { envelope, userEnvelope } from './rest-schemas.ts';

/** `{ user }` with the token the client will send back. */
function userResponse(user: Pick<CurrentUser, 'email' | 'username' | 'bio' | 'image'>, token: string) {
  return { user: { email: user.email, token, username: user.username, bio: user.bio, image: user.image } };
}

/** auth.login's input under RealWorld's names (`login` is sent as `email`). */
const loginUser = z
  .object({
    email: loginInput.shape.login.meta({ description: 'Email or username (both sign in)' }),
    password: loginInput.shape.password.meta({ format: 'password' }),
  })
  .meta({ id: 'LoginUser' });

export const registerOperation = defineOperation({
  method: 'POST',
  path: '/users',
  operationId: 'CreateUser',
  summary: 'Register a new user',
  tag: 'User and Authentication',
  isAuthRequired: false,
  resource: 'user',
  request: { body: envelope('user', registerInput.meta({ id: 'NewUser' })) },
  success: { status: 201, description: 'The new user, signed in', schema: userEnvelope },
  errors: [409, 422],
  async handle({ caller, body }) {
    const fields = specFields(envelopeContent(body, 'user'), ['email', 'username', 'password']);
    const { user, token } = await caller.auth.register(procedureInput(fields));
    return userResponse(user, token);
  },
});

export const loginOperation = defineOperation({
  method: 'POST',
  path: '/users/login',
  operationId: 'Login',
  summary: 'Existing user login',
  tag: 'User and Authentication',
  isAuthRequired: false,
  resource: 'user',
  fieldAliases: { login: 'email' },
  request: { body: envelope('user', loginUser) },
  success: { status: 200, description: 'The user, signed in', schema: userEnvelope },
  errors: [401, 403, 422, 429],
  async handle({ caller, body }) {
    const { email, password } = specFields(envelopeContent(body, 'user'), ['email', 'password']);
    const result = await caller.auth.login(procedureInput({ login: email, password }));
    // An account with two-factor sign-in gets a challenge instead of a session; RealWorld has
    // no step for it, so REST refuses and points to the tRPC flow.
    if (!('token' in result)) {
      throw new AppError('UNAUTHENTICATED', 'This account uses two-factor sign-in, which the REST API does not support: sign in through the tRPC API', {
        details: { field: 'twoFactor' },
      });
    }
    return userResponse(result.user, result.token);
  },
});

export const currentUserOperation = defineOperation({
  method: 'GET',
  path: '/user',
  operationId: 'GetCurrentUser',
  summary: 'Get current user',
  tag: 'User and Authentication',
  isAuthRequired: true,
  resource: 'user',
  success: { status: 200, description: 'The signed-in user', schema: userEnvelope },
  errors: [401],
  async handle({ caller, token }) {
    const user = await caller.auth.me();
    // auth.me only answers a signed-in caller, so the token is there.
    return userResponse(user, token ?? '');
  },
});

export const updateUserOperation = defineOperation({
  method: 'PUT',
  path: '/user',
  operationId: 'UpdateCurrentUser',
  summary: 'Update current user (a new password signs out every other session)',
  tag: 'User and Authentication',
  isAuthRequired: true,
  resource: 'user',
  request: { body: envelope('user', updateUserInput.meta({ id: 'UpdateUser' })) },
  success: { status: 200, description: 'The updated user', schema: userEnvelope },
  errors: [401, 403, 409, 422],
  async handle({ caller, body, token }) {
    const fields = specFields(envelopeContent(body, 'user'), ['email', 'username', 'password', 'bio', 'image']);
    // The spec's bio is nullable; ours is a string where '' means "no bio".
    if (fields.bio === null) fields.bio = '';
    const user = await caller.users.update(procedureInput(fields));
    return userResponse(user, token ?? '');
  },
});

export const userOperations = [registerOperation, loginOperation, currentUserOperation, updateUserOperation];
