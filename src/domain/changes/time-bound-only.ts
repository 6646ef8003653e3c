/**
 * The catalog's `timeBoundOnly` roles (policy.grants): nobody but the owner is given one for good. Checked
 * where roles are written for good (role changes, SCIM, invites); a holding from before the policy said
 * so stays until it is changed (an access review removes it).
 */
import { fail } from '../../errors';
import { timeBoundOnlyRoles } from '../grants/grant-policy';
import type { ChangeContext } from './change-handler';

/** Where a role is being given for good, for the refusal to say what to do instead. */
export type GivenBy = 'roles' | 'invite' | 'scim';

const INSTEAD: Record<GivenBy, (role: string) => string> = {
  roles: () => 'give it with `--for 4h` (or `--until <date>`) and a `--reason`, or choose a duration in the roles form.',
  invite: (role) => `invite them with another role, then give ${role} for a while with \`/users roles <who> +<role> --for 4h\`.`,
  scim: (role) => `provision them without it; an Admin gives ${role} for a while in Slack.`,
};

/** Refuses giving `userId` any of `roles` for good when the policy allows it only time-bound, unless they own the account. */
export async function refusePermanentTimeBound(
  context: ChangeContext,
  userId: string | null,
  roles: readonly { key: string; name: string }[],
  givenBy: GivenBy,
  email?: string,
): Promise<void> {
  const only = new Set(timeBoundOnlyRoles(context.grantPolicy));
  const refused = roles.find((role) => only.has(role.key));
  if (!refused) return;
  if (userId && userId === (await context.directory.ownerId(context.tx))) return;
  throw fail.forbidden(
    `${refused.name} is given only for a while here${email ? ` (${email})` : ''}: ${INSTEAD[givenBy](refused.name)}`,
    {
      field: 'roles',
    },
  );
}
