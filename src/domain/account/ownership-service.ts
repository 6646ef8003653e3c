/**
 * Who owns the account, and whether the owner can still be reached: an owner who left the Slack
 * workspace cannot hand ownership on, so Admins may recover it (the `recover-owner` change).
 */
import { findAccountOwner } from '../../store/accounts/account-reads';
import type { Store } from '../../store/tx';
import { setUserSlackLeftAt } from '../../store/users/owner-and-slack-link-writes';
import type { SlackProfiles } from '../access/access-service';
import { type Actor, requirePermission } from '../access/actor';
import type { ChangeOf } from '../changes/directory-change';
import type { Clock } from '../clock';
import type { UserRef } from '../directory/directory-service';

export type OwnershipService = ReturnType<typeof createOwnershipService>;

export function createOwnershipService(deps: { prisma: Store; accountId: string; clock: Clock; profiles: SlackProfiles }) {
  const { prisma, accountId } = deps;

  function owner() {
    return findAccountOwner(prisma, accountId);
  }

  async function owns(actor: Actor): Promise<boolean> {
    return !!actor.userId && (await owner())?.id === actor.userId;
  }

  return {
    /** Whether `actor` owns the account. */
    owns,

    /**
     * What `/users owner <who>` means for `actor`: the owner hands ownership on (`owner`); anyone else
     * asks to recover it from an owner who is gone (`recover-owner`, which a second Admin approves),
     * after Slack was asked whether the owner is still there.
     */
    async changeFor(actor: Actor, who: UserRef): Promise<ChangeOf<'owner'> | ChangeOf<'recover-owner'>> {
      if (await owns(actor)) return { kind: 'owner', user: who };
      await this.refreshOwnerPresence(actor);
      return { kind: 'recover-owner', user: who };
    },

    /**
     * Asks Slack whether the active owner is still in the workspace and records the answer on the
     * owner (`slackLeftAt`), where the change layer reads it under the account lock. Not a change to
     * the directory (no version bump, no audit), like remembering a Slack user ID. When Slack cannot
     * answer, the last answer stands: an unreachable Slack is no evidence that the owner left.
     */
    async refreshOwnerPresence(actor: Actor): Promise<void> {
      // Only for someone who may ask for a recovery at all: nobody else makes Roster ask Slack.
      requirePermission(actor, 'users:manage');
      const current = await owner();
      if (current?.status !== 'active') return;
      let present: boolean;
      try {
        present = await deps.profiles.inWorkspace(current);
      } catch {
        return;
      }
      if (present === !current.slackLeftAt) return;
      await setUserSlackLeftAt(prisma, current.id, present ? null : deps.clock.now());
    },
  };
}
