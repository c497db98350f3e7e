/** `admin.*`: account administration and the audit log, for admins only. */
import { router } from '../../trpc/init.ts';
import { adminProcedure } from '../../trpc/procedures.ts';
import { auditOriginOf } from '../audit/audit-log.ts';
import { listAudit } from './admin-audit.ts';
import { listUsers, setRole, suspendUser, unsuspendUser } from './admin-users.ts';
import {
  adminUserOutput,
  adminUserPageOutput,
  auditPageOutput,
  listAuditInput,
  listUsersInput,
  setRoleInput,
  suspendInput,
  unsuspendInput,
} from './admin.schemas.ts';

export const adminRouter = router({
  users: router({
    list: adminProcedure
      .input(listUsersInput)
      .output(adminUserPageOutput)
      .query(({ ctx, input }) => listUsers(ctx, input)),
    setRole: adminProcedure
      .input(setRoleInput)
      .output(adminUserOutput)
      .mutation(({ ctx, input }) => setRole(ctx, input, ctx.user, auditOriginOf(ctx))),
    suspend: adminProcedure
      .input(suspendInput)
      .output(adminUserOutput)
      .mutation(({ ctx, input }) => suspendUser(ctx, input, ctx.user, auditOriginOf(ctx))),
    unsuspend: adminProcedure
      .input(unsuspendInput)
      .output(adminUserOutput)
      .mutation(({ ctx, input }) => unsuspendUser(ctx, input, auditOriginOf(ctx))),
  }),
  audit: router({
    list: adminProcedure
      .input(listAuditInput)
      .output(auditPageOutput)
      .query(({ ctx, input }) => listAudit(ctx, input)),
  }),
});
