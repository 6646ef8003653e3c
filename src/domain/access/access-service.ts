/**
 * Slack user → directory user: by the remembered Slack ID, else by the e-mail of their
 * Slack profile (then remembered). Only active directory users may act.
 */

import { RosterError } from '../../errors';
import type { AuditSource, PrismaClient } from '../../store/generated/client';
import type { Db } from '../../store/tx';
import { normaliseEmail } from '../email';
import type { MultipleRoles } from '../roles/precedence';
import type { Actor } from './actor';
import { effectivePermissions } from './effective-permissions';

/** What the domain needs to know about Slack people: the e-mail of a profile, and whether someone is still in the workspace. */
export interface SlackProfiles {
  emailOf(slackUserId: string): Promise<string | null>;
  /** False when Slack says the person left (deactivated, or no member has the address); throws when Slack cannot answer. */
  inWorkspace(person: { email: string; slackUserId: string | null }): Promise<boolean>;
}

export type AccessService = ReturnType<typeof createAccessService>;

export function createAccessService(deps: {
  prisma: PrismaClient;
  accountId: string;
  profiles: SlackProfiles;
  multipleRoles: MultipleRoles;
}) {
  const { prisma, accountId } = deps;
  const include = {
    roles: { include: { role: { select: { key: true, permissions: true, precedence: true, product: true } } } },
  } as const;

  type ActorRow = NonNullable<Awaited<ReturnType<typeof findByEmail>>>;

  function findByEmail(email: string) {
    return prisma.user.findUnique({ where: { accountId_email: { accountId, email } }, include });
  }

  /** Only active users may act; the refusal says why. */
  function toActor(user: ActorRow, slackUserId: string | undefined, source: AuditSource): Actor {
    if (user.status !== 'active') {
      throw new RosterError('forbidden', `Your directory account is ${user.status}, so Roster cannot act for you. Ask an Admin.`);
    }
    return {
      userId: user.id,
      email: user.email,
      name: user.name,
      slackUserId: slackUserId ?? user.slackUserId ?? undefined,
      roleKeys: user.roles.map(({ role }) => role.key),
      permissions: effectivePermissions(
        user.roles.map(({ role }) => role),
        user.extraPermissions,
        deps.multipleRoles,
      ),
      source,
    };
  }

  return {
    /** The actor for a directory user as they are now (e.g. a requester when their approval runs). */
    async actorForUserId(userId: string, source: AuditSource, db: Db = prisma): Promise<Actor> {
      const user = await db.user.findFirst({ where: { id: userId, accountId }, include });
      if (!user) throw new RosterError('not_found', 'The person who asked for this is no longer in the directory.');
      return toActor(user, undefined, source);
    },

    /** The actor behind a Slack user, or a refusal that says why they cannot act. */
    async actorForSlackUser(slackUserId: string, source: AuditSource): Promise<Actor> {
      let user = await prisma.user.findUnique({ where: { accountId_slackUserId: { accountId, slackUserId } }, include });
      if (!user) {
        const email = await deps.profiles.emailOf(slackUserId);
        if (email) {
          user = await findByEmail(normaliseEmail(email));
          // Only active users are remembered: an invitee's address may still change (then so may its owner).
          if (user && !user.slackUserId && user.status === 'active') {
            // Conditional, so two first requests at once link once; a profile already linked elsewhere is left alone.
            await prisma.user
              .updateMany({ where: { id: user.id, slackUserId: null }, data: { slackUserId } })
              .catch(() => undefined);
          }
        }
      }
      if (!user) {
        throw new RosterError(
          'not_in_directory',
          'You are not in this account’s user directory, so Roster cannot act for you. Ask an Admin to invite the e-mail address of your Slack profile.',
        );
      }
      return toActor(user, slackUserId, source);
    },
  };
}
