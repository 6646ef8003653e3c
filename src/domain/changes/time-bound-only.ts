/**
 * The catalog's `timeBoundOnly` roles (policy.grants): nobody but the owner is given one for good. Checked
 * where roles are written for good (role changes, SCIM, invites); a holding from before the policy said
 * so stays until it is changed (an access review removes it).
 */
import { fail } from '../../errors';
import { timeBoundOnlyRoles } from '../grants/grant-policy';
import type { ChangeContext } from './change-handler';

/** Refuses giving `userId` any of `roles` for good when the policy allows it only time-bound, unless they own the account. */
export async function refusePermanentTimeBound(
  context: ChangeContext,
  userId: string | null,
  roles: readonly { key: string; name: string }[],
  email?: string,
): Promise<void> {
  const only = new Set(timeBoundOnlyRoles(context.grantPolicy));
  const refused = roles.find((role) => only.has(role.key));
  if (!refused) return;
  if (userId && userId === (await context.directory.ownerId(context.tx))) return;
  throw fail.forbidden(
    `${refused.name} is given only for a while here${email ? ` (${email})` : ''}: add \`--for 4h\` (or \`--until <date>\`) and a \`--reason\`.`,
    { field: 'roles' },
  );
}
