/**
 * The changes that can wait for approval, each as "check now" (a dry run under the directory's
 * rules, rolled back) and "run later as the requester". Inputs are re-validated on the way back
 * out of the database.
 */
import { z } from 'zod';
import type { Prisma } from '../../store/generated/client';
import type { CredentialService } from '../credentials/credential-service';
import type { DeletionService } from '../deletion/deletion-service';
import type { ApprovalAction } from '../roles/catalog';
import type { RoleService } from '../users/role-service';
import type { UserService } from '../users/user-service';
import type { ApprovalExecutor } from './approval-service';

const emailInput = z.object({ email: z.email() });
const roleInput = z.object({ email: z.email(), add: z.array(z.string()), remove: z.array(z.string()) });
const bulkInput = z.object({ emails: z.array(z.email()).min(1), add: z.array(z.string()), remove: z.array(z.string()) });

/** Extra executors contributed by other services (delete, passcodes). */
export type ExecutorMap = Partial<Record<ApprovalAction, ApprovalExecutor>>;

export function parseInput<T>(schema: z.ZodType<T>, input: Prisma.InputJsonValue): T {
  return schema.parse(input);
}

export function createDirectoryExecutors(deps: { users: UserService; roles: RoleService }): ExecutorMap {
  const { users, roles } = deps;
  const bulk: ApprovalExecutor = {
    async check(requester, input) {
      const { emails, add, remove } = parseInput(bulkInput, input);
      const previews = await roles.bulk(requester, emails, { add, remove }, { dryRun: true });
      const changed = previews.filter((p) => p.before.join() !== p.after.join());
      const lines = changed.slice(0, 20).map((p) => `${p.email}: ${p.before.join(', ')} → ${p.after.join(', ')}`);
      const more = changed.length > 20 ? `\n…and ${changed.length - 20} more` : '';
      const ids = await roles.userIds(emails);
      return {
        summary: `Roles of ${changed.length} user${changed.length === 1 ? '' : 's'} change:\n${lines.join('\n')}${more}`,
        targetUserIds: ids,
      };
    },
    async run(requester, input) {
      const { emails, add, remove } = parseInput(bulkInput, input);
      const previews = await roles.bulk(requester, emails, { add, remove });
      return `Roles of ${previews.filter((p) => p.before.join() !== p.after.join()).length} users changed.`;
    },
  };
  const isBulk = (input: Prisma.InputJsonValue) => typeof input === 'object' && input !== null && 'emails' in input;
  return {
    revoke: {
      async check(requester, input) {
        const { email } = parseInput(emailInput, input);
        const before = await users.revoke(requester, { email }, { dryRun: true });
        return {
          summary: `Revoke ${before.email}: status → revoked; their API key, passcode, password and pending links stop working.`,
          targetUserIds: [before.id],
        };
      },
      async run(requester, input) {
        const { email } = parseInput(emailInput, input);
        const user = await users.revoke(requester, { email });
        return `Revoked ${user.email}.`;
      },
    },
    'grant-admin': {
      async check(requester, input) {
        if (isBulk(input)) return bulk.check(requester, input);
        const { email, add, remove } = parseInput(roleInput, input);
        const user = await roles.changeRoles(requester, { email }, { add, remove }, { dryRun: true });
        const after = user.roles.map((h) => h.role.key).join(', ');
        return { summary: `Roles of ${user.email} → ${after} (grants Admin).`, targetUserIds: [user.id] };
      },
      async run(requester, input) {
        if (isBulk(input)) return bulk.run(requester, input);
        const { email, add, remove } = parseInput(roleInput, input);
        const user = await roles.changeRoles(requester, { email }, { add, remove });
        return `Roles of ${user.email} are now ${user.roles.map((h) => h.role.key).join(', ')}.`;
      },
    },
    // A bulk change that grants Admin waits as `grant-admin`, with the same input as `bulk`.
    bulk,
  };
}

const passcodeInput = z.object({ email: z.email(), tenureDays: z.number().int() });

/** Long passcodes. */
export function createCredentialExecutors(deps: { credentials: CredentialService }): ExecutorMap {
  return {
    'passcode-long': {
      async check(requester, input) {
        const { email, tenureDays } = parseInput(passcodeInput, input);
        const user = await deps.credentials.checkGrant(requester, { email }, tenureDays);
        return { summary: `A ${tenureDays}-day API passcode for ${user.email}.`, targetUserIds: [user.id] };
      },
      async run(requester, input) {
        const { email, tenureDays } = parseInput(passcodeInput, input);
        const issued = await deps.credentials.grantPasscode(requester, { email }, tenureDays);
        return issued.delivered
          ? `${tenureDays}-day passcode sent to ${issued.email} by DM.`
          : `${tenureDays}-day passcode saved, but ${issued.problem}.`;
      },
    },
  };
}

const deleteInput = z.object({ userIds: z.array(z.uuid()).min(1), reason: z.string().nullable() });

/** Deleting users. */
export function createDeletionExecutors(deps: { deletion: DeletionService }): ExecutorMap {
  return {
    delete: {
      async check(requester, input) {
        const { userIds, reason } = parseInput(deleteInput, input);
        const preview = await deps.deletion.preview(
          requester,
          userIds.map((id) => ({ id })),
        );
        await deps.deletion.deleteUsers(requester, userIds, reason, { dryRun: true });
        return {
          summary: `Delete ${preview.users.map((u) => u.email).join(', ')}; ${preview.transferable} asset(s) move to ${preview.ownerEmail}, ${preview.nonTransferable} non-transferable one(s) will need reconfiguring.`,
          targetUserIds: userIds,
        };
      },
      async run(requester, input) {
        const { userIds, reason } = parseInput(deleteInput, input);
        const result = await deps.deletion.deleteUsers(requester, userIds, reason);
        return `Deleted ${result.deleted.join(', ')}; ${result.transferable} asset(s) moved to ${result.ownerEmail}, ${result.nonTransferable} flagged for reconfiguration.`;
      },
    },
  };
}
