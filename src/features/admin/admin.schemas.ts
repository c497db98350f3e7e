/** Inputs and outputs of the admin procedures. Admins see account fields the public never does. */
import { z } from 'zod';

import { cursorInput } from '../../lib/keyset-cursor.ts';
import { usernameSchema } from '../auth/auth.schemas.ts';

export const roleSchema = z.enum(['user', 'moderator', 'admin']);

export const listUsersInput = z
  .object({
    /** Matches the start of the username or email, case-insensitively. */
    query: z.string().trim().min(1).max(254).optional(),
    role: roleSchema.optional(),
    suspended: z.boolean().optional(),
    limit: z.number().int().min(1).max(100).default(50),
    cursor: cursorInput.optional(),
  })
  .strict();

export const adminUserOutput = z.object({
  username: z.string(),
  email: z.string(),
  role: roleSchema,
  bio: z.string(),
  image: z.string().nullable(),
  suspendedAt: z.date().nullable(),
  suspensionReason: z.string().nullable(),
  createdAt: z.date(),
});

export const adminUserPageOutput = z.object({ items: z.array(adminUserOutput), nextCursor: z.string().nullable() });

export const setRoleInput = z.object({ username: usernameSchema, role: roleSchema }).strict();
export const suspendInput = z.object({ username: usernameSchema, reason: z.string().trim().min(1).max(500) }).strict();
export const unsuspendInput = z.object({ username: usernameSchema }).strict();

export const listAuditInput = z
  .object({
    /** The actor's username. */
    actor: usernameSchema.optional(),
    action: z.string().trim().regex(/^[a-z][a-z0-9_.]{1,63}$/).optional(),
    limit: z.number().int().min(1).max(100).default(50),
    cursor: cursorInput.optional(),
  })
  .strict();

export const auditEntryOutput = z.object({
  id: z.string(),
  action: z.string(),
  actor: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  metadata: z.unknown(),
  createdAt: z.date(),
});

export const auditPageOutput = z.object({ items: z.array(auditEntryOutput), nextCursor: z.string().nullable() });

export type AdminUser = z.infer<typeof adminUserOutput>;
export type ListUsersInput = z.infer<typeof listUsersInput>;
export type ListAuditInput = z.infer<typeof listAuditInput>;
