/**
 * Slack user → directory user: by the remembered Slack ID, else by the e-mail of their Slack
 * profile, then remembered. A link is by Slack user ID for good: a directory user linked to one
 * Slack user never acts for another, whatever the addresses say later, and only a member of the
 * account's own workspace or organisation is linked by e-mail. Only active directory users may act.
 */

import { RosterError } from '../../errors';
import { getAccountSlackIds } from '../../store/accounts/account-reads';
import type { AuditSource } from '../../store/records';
import type { Db, Store } from '../../store/tx';
import {
  type ActorUser,
  findAccountActorUser,
  findActorUserByEmail,
  findActorUserById,
  findActorUserBySlackId,
} from '../../store/users/actor-reads';
import { linkUserToSlack } from '../../store/users/owner-and-slack-link-writes';
import type { Clock } from '../clock';
import { normaliseEmail } from '../email';
import { withGrantsInForce } from '../grants/grants-in-force';
import type { SlackProfiles } from '../ports';
import type { MultipleRoles } from '../roles/precedence';
import type { Actor } from './actor';
import { effectivePermissions } from './effective-permissions';
import { isMemberOf } from './workspace-member';

/** The port, still importable from here (the ownership service and tests name it from this file). */
export type { SlackProfiles } from '../ports';

export type AccessService = ReturnType<typeof createAccessService>;

export function createAccessService(deps: {
  prisma: Store;
  accountId: string;
  profiles: SlackProfiles;
  multipleRoles: MultipleRoles;
  /** Time-bound grants count while they are in force at this clock's now. */
  clock: Clock;
}) {
  const { prisma, accountId, clock } = deps;

  function findByEmail(email: string) {
    return findActorUserByEmail(prisma, accountId, email, clock.now());
  }

  /** Only active users may act; the refusal says why. */
  function toActor(user: ActorUser, slackUserId: string | undefined, source: AuditSource): Actor {
    if (user.status !== 'active') {
      throw new RosterError('forbidden', `Your directory account is ${user.status}, so Roster cannot act for you. Ask an Admin.`);
    }
    const held = withGrantsInForce(user);
    return {
      userId: user.id,
      email: user.email,
      name: user.name,
      slackUserId: slackUserId ?? user.slackUserId ?? undefined,
      roleKeys: held.roles.map(({ role }) => role.key),
      permissions: effectivePermissions(
        held.roles.map(({ role }) => role),
        held.extraPermissions,
        deps.multipleRoles,
      ),
      source,
    };
  }

  function notInDirectory(): RosterError {
    return new RosterError(
      'not_in_directory',
      'You are not in this account’s user directory, so Roster cannot act for you. Ask an Admin to invite the e-mail address of your Slack profile.',
    );
  }

  /**
   * The directory user whose address the Slack user's profile carries, linked to them if it is active
   * (an invitee's address may still change, and with it who they are). Refused when the profile is
   * not of this workspace or organisation, or the directory user is already someone else's.
   */
  async function linkByProfile(slackUserId: string): Promise<ActorUser> {
    const profile = await deps.profiles.profileOf(slackUserId);
    const user = profile?.email ? await findByEmail(normaliseEmail(profile.email)) : null;
    if (!profile || !user) throw notInDirectory();
    const home = await getAccountSlackIds(prisma, accountId);
    if (!isMemberOf(home, profile)) {
      throw new RosterError(
        'forbidden',
        `Roster acts only for members of this Slack workspace, and your Slack account belongs to another organisation, so ${user.email} cannot be linked to it. Ask an Admin of this workspace.`,
      );
    }
    if (user.slackUserId === null && user.status === 'active') {
      // Conditional, so two first requests at once link once; whoever lost reads who won below.
      await linkUserToSlack(prisma, user.id, slackUserId).catch(() => undefined);
    }
    const now = await findActorUserById(prisma, user.id, clock.now());
    if (!now) throw notInDirectory();
    if (now.slackUserId !== null && now.slackUserId !== slackUserId) {
      throw new RosterError(
        'forbidden',
        `${user.email} is linked to another Slack account, so Roster cannot act for you as them. If that is wrong, ask an Admin.`,
      );
    }
    return now;
  }

  return {
    /** The actor for a directory user as they are now (e.g. a requester when their approval runs). */
    async actorForUserId(userId: string, source: AuditSource, db: Db = prisma): Promise<Actor> {
      const user = await findAccountActorUser(db, accountId, userId, clock.now());
      if (!user) throw new RosterError('not_found', 'The person who asked for this is no longer in the directory.');
      return toActor(user, undefined, source);
    },

    /** The actor behind a Slack user, or a refusal that says why they cannot act. */
    async actorForSlackUser(slackUserId: string, source: AuditSource): Promise<Actor> {
      const linked = await findActorUserBySlackId(prisma, accountId, slackUserId, clock.now());
      if (linked) return toActor(linked, slackUserId, source);
      return toActor(await linkByProfile(slackUserId), slackUserId, source);
    },
  };
}
