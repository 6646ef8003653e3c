/**
 * Changes to one user's record: name and e-mail (an accepted user's rules in accepted-email-change.ts),
 * groups, custom properties, disable / enable, revoke (every credential and pending link stops working),
 * and ownership transfer.
 */

import { fail, RosterError } from '../../errors';
import { findAccountWithOwner } from '../../store/accounts/account-reads';
import { setAccountOwner } from '../../store/accounts/account-writes';
import { deletePendingCredentialsOf, deleteSecretRevealsOf } from '../../store/credentials/credential-handoff-rows';
import { deletePasswordLinks } from '../../store/credentials/password-link-writes';
import { deleteApiKeysOf, revokePasscodesOf } from '../../store/credentials/revocation-writes';
import { endGrantNow } from '../../store/grants/grant-writes';
import { addGroupMembers, removeMembership } from '../../store/groups/group-writes';
import { findLatestPendingInvite } from '../../store/invites/invite-reads';
import { createInvite, revokePendingInvites, supersedePendingInvites } from '../../store/invites/invite-writes';
import { countUserProperties, getUserRecord } from '../../store/users/user-reads';
import {
  addUserRole,
  editUser,
  removeUserProperty,
  revokeUserRecord,
  setUserProperty,
  setUserStatus,
  type UserEdit,
} from '../../store/users/user-writes';
import type { AuditEntry } from '../audit/audit-service';
import { addHours } from '../clock';
import { type DeliveryOutcome, sendAll } from '../delivery/delivery';
import type { UserCard } from '../directory/user-view';
import { isValidEmail, normaliseEmail } from '../email';
import { inForceAt } from '../grants/grants-in-force';
import { findGroup } from '../groups/find-group';
import type { IssuedLink } from '../invites/invite-links';
import { ADMIN_ROLE } from '../roles/catalog';
import {
  type AcceptedMove,
  type AddressNotice,
  moveAcceptedUser,
  moveSummary,
  refuseEmailClash,
  tellBothAddresses,
} from './accepted-email-change';
import type { Applied, ChangeHandler } from './change-handler';
import { endGrantsWithUser } from './grants-ended-with-user';
import { adminPowerAt, cardOf, changeOneUser, diff, findUser, powerGain, snapshot } from './user-change';

/** A user can have at most this many custom properties. */
export const MAX_PROPERTIES = 50;

/**
 * A user's card after an edit; the new invite link when the edit changed a pending invitee's e-mail,
 * and whether each address was told when it changed an accepted user's.
 */
export type EditResult = UserCard & {
  reissued?: { expiresAt: Date; delivery: DeliveryOutcome };
  told?: AddressNotice[];
};

/** An e-mail change as the change layer sees it: the grant it makes (see `readdress`) and a removed Slack link. */
interface Move {
  from: string;
  to: string;
  unlinked: string | null;
  power: string[];
}

/**
 * Name and e-mail. A pending invitee's new e-mail supersedes the pending invite (the old link stops
 * working) and issues a new link for the new address, delivered after the commit; the invite may now
 * reach someone else, so a Slack link left from an earlier time as an active user is removed (in the
 * audit trail, not silently). An accepted user's new e-mail keeps their Slack link and credentials and
 * tells both addresses (accepted-email-change.ts). Either way, whoever holds the new address holds the
 * user's admin powers, so re-addressing a holder of admin powers needs the approval granting them needs.
 */
export const edit: ChangeHandler<'edit', EditResult> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    if (change.name === undefined && change.email === undefined) throw fail.badInput('Say what to change: --name or --email.');
    const { tx, accountId } = context;
    let reissued: { link: IssuedLink; expiresAt: Date; note: string | null } | undefined;
    let moved: Move | undefined;
    let accepted: AcceptedMove | undefined;
    const applied: Applied<EditResult> = await changeOneUser(context, change.user, {
      action: 'user.edited',
      async mutate(user) {
        const data: UserEdit = {};
        if (change.name !== undefined) {
          const name = change.name.trim();
          if (name.length === 0 || name.length > 100) throw fail.badInput('A name is 1 to 100 characters.', { field: 'name' });
          data.name = name;
        }
        if (change.email !== undefined && normaliseEmail(change.email) !== user.email) {
          const email = normaliseEmail(change.email);
          if (!isValidEmail(email)) throw fail.badInput(`${change.email} is not a valid e-mail address.`, { field: 'email' });
          await refuseEmailClash(context, user.id, email);
          data.email = email;
          if (user.status !== 'invited' && user.status !== 'expired') {
            accepted = await moveAcceptedUser(context, user, email);
            moved = { from: user.email, to: email, unlinked: null, power: accepted.power };
            await editUser(tx, user.id, data);
            return;
          }
          if (user.slackUserId) data.slackUserId = null;
          moved = {
            from: user.email,
            to: email,
            unlinked: user.slackUserId,
            power: [...adminPowerAt(user, context.multipleRoles, context.clock.now())],
          };
          const pending = await findLatestPendingInvite(tx, user.id);
          await supersedePendingInvites(tx, user.id);
          if (user.status === 'invited') {
            const now = context.clock.now();
            reissued = {
              link: context.links.issue(),
              expiresAt: addHours(now, context.inviteTtlHours),
              note: pending?.note ?? null,
            };
            await createInvite(tx, {
              accountId,
              userId: user.id,
              tokenHash: reissued.link.tokenHash,
              tokenNonce: reissued.link.nonce,
              note: reissued.note,
              invitedById: context.actor.userId,
              sentAt: now,
              lastSentAt: now,
              expiresAt: reissued.expiresAt,
            });
          }
        }
        await editUser(tx, user.id, data);
      },
      stored: (id) => ({ ...change, user: { id } }),
      summary: (before, after) =>
        accepted
          ? `${moveSummary(accepted)}${before.name !== after.name ? ` Name: ${before.name ?? '—'} → ${after.name ?? '—'}.` : ''}`
          : `Edit ${before.email}: ${before.name ?? '—'} → ${after.name ?? '—'}, ${after.email}.`,
      outcome: (after) => `Updated ${after.email}.`,
    });
    const readdressed = moved ? readdress(applied, moved) : applied;
    const move = accepted;
    if (move) {
      return { ...readdressed, deliver: async (card) => ({ ...card, told: await tellBothAddresses(context, move) }) };
    }
    const link = reissued;
    if (!link) return readdressed;
    const fromName = context.actor.name ?? context.actor.email;
    return {
      ...readdressed,
      deliver: async (card) => {
        const [delivery] = await sendAll(context.delivery, [
          {
            kind: 'invite',
            email: card.email,
            name: card.name,
            link: context.links.url(link.link.token),
            expiresAt: link.expiresAt,
            fromName,
            note: link.note,
            replyTo: context.actor.email,
          },
        ]);
        return { ...card, reissued: { expiresAt: link.expiresAt, delivery: delivery as DeliveryOutcome } };
      },
    };
  },
};

/**
 * A new address as the change layer sees it: whoever holds the new address will hold the user's admin
 * powers (a grant, for the approval policy), and a removed Slack link is in the trail.
 */
function readdress(applied: Applied<EditResult>, moved: Move): Applied<EditResult> {
  const [entry, ...rest] = applied.audit;
  const userId = applied.touched[0] as string;
  return {
    ...applied,
    gains: moved.power.length > 0 ? [...applied.gains, { userId, email: moved.to, added: moved.power }] : applied.gains,
    audit:
      entry && moved.unlinked
        ? [
            {
              ...entry,
              before: { ...(entry.before as object), slackUserId: moved.unlinked },
              after: { ...(entry.after as object), slackUserId: null },
            },
            ...rest,
          ]
        : applied.audit,
  };
}

/** `+group` / `-group`; All Users is implicit and cannot be edited by hand. */
export const groups: ChangeHandler<'groups', UserCard> = {
  permissions: () => ['groups:manage'],
  async apply(context, change) {
    const { tx, accountId } = context;
    return changeOneUser(context, change.user, {
      action: 'user.groups-changed',
      async mutate(user) {
        const find = async (name: string) => {
          const group = await findGroup(tx, accountId, name, 'groups');
          if (group.kind === 'all_users') {
            throw fail.badInput('Everyone is in All Users; its members cannot be added or removed by hand.', { field: 'groups' });
          }
          return group;
        };
        for (const name of change.remove) {
          const group = await find(name);
          if ((await removeMembership(tx, user.id, group.id)) === 0)
            throw fail.badInput(`${user.email} is not in ${group.name}.`, { field: 'groups' });
        }
        for (const name of change.add) {
          await addGroupMembers(tx, (await find(name)).id, [user.id]);
        }
      },
      stored: (id) => ({ ...change, user: { id } }),
      summary: (_before, after) => `Groups of ${after.email} change.`,
      outcome: (after) => `Groups of ${after.email} changed.`,
    });
  },
};

/** Sets `key=value` properties and removes `-key` ones. */
export const props: ChangeHandler<'props', UserCard> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    const { tx } = context;
    return changeOneUser(context, change.user, {
      action: 'user.properties-changed',
      async mutate(user) {
        for (const key of change.remove) {
          if ((await removeUserProperty(tx, user.id, key)) === 0)
            throw fail.badInput(`${user.email} has no property \`${key}\`.`, { field: 'props' });
        }
        for (const [key, value] of Object.entries(change.set)) {
          await setUserProperty(tx, user.id, key, value);
        }
        if ((await countUserProperties(tx, user.id)) > MAX_PROPERTIES) {
          throw fail.badInput(`A user can have at most ${MAX_PROPERTIES} properties.`, { field: 'props' });
        }
      },
      stored: (id) => ({ ...change, user: { id } }),
      summary: (_before, after) => `Properties of ${after.email} change.`,
      outcome: (after) => `Properties of ${after.email} changed.`,
    });
  },
};

/** Blocks an active user; credentials are kept but refused. */
export const disable: ChangeHandler<'disable', UserCard> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    const ended: AuditEntry[] = [];
    const done = await changeOneUser(context, change.user, {
      action: 'user.disabled',
      async mutate(user) {
        if (user.status !== 'active')
          throw fail.invalidState(`${user.email} is ${user.status}; only active users can be disabled.`);
        await setUserStatus(context.tx, user.id, 'disabled');
        // Access given for a while ends with the user's access, not when they are enabled again.
        ended.push(...(await endGrantsWithUser(context, user, 'disabled')));
      },
      stored: (id) => ({ ...change, user: { id } }),
      summary: (before) => `Disable ${before.email}.`,
      outcome: (after) => `Disabled ${after.email}.`,
    });
    return { ...done, audit: [...done.audit, ...ended] };
  },
};

/** Lets a disabled user in again; an invited user must accept first (the hint offers a resend). */
export const enable: ChangeHandler<'enable', UserCard> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    return changeOneUser(context, change.user, {
      action: 'user.enabled',
      async mutate(user) {
        if (user.status === 'invited') {
          throw new RosterError('invalid_state', `${user.email} must accept the invite first.`, {
            hint: `Send it again with \`/users resend ${user.email}\`.`,
          });
        }
        if (user.status !== 'disabled')
          throw fail.invalidState(`${user.email} is ${user.status}; only disabled users can be enabled.`);
        await setUserStatus(context.tx, user.id, 'active');
      },
      stored: (id) => ({ ...change, user: { id } }),
      summary: (before) => `Enable ${before.email}.`,
      outcome: (after) => `Enabled ${after.email}.`,
    });
  },
};

/** Removes access: API key, passcode, password and pending links stop working at once. */
export const revoke: ChangeHandler<'revoke', UserCard> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    const { tx } = context;
    const ended: AuditEntry[] = [];
    const done = await changeOneUser(context, change.user, {
      action: 'user.revoked',
      async mutate(user) {
        if (user.status !== 'active' && user.status !== 'disabled') {
          throw fail.invalidState(`${user.email} is ${user.status}; only active or disabled users can be revoked.`);
        }
        await revokeUserRecord(tx, user.id);
        ended.push(...(await endGrantsWithUser(context, user, 'revoked')));
        await deleteApiKeysOf(tx, user.id);
        await revokePasscodesOf(tx, user.id);
        await revokePendingInvites(tx, user.id);
        await deletePasswordLinks(tx, user.id);
        // Credentials on their way, and e-mailed links that would show one, go too.
        await deletePendingCredentialsOf(tx, user.id);
        await deleteSecretRevealsOf(tx, user.id);
      },
      stored: (id) => ({ ...change, user: { id } }),
      summary: (before) =>
        `Revoke ${before.email}: status → revoked; their API key, passcode, password and pending links stop working.`,
      outcome: (after) => `Revoked ${after.email}.`,
    });
    return { ...done, audit: [...done.audit, ...ended] };
  },
};

/** Hands ownership to another active Admin; only the current owner may, and the target is read under the lock. */
export const owner: ChangeHandler<'owner', UserCard> = {
  permissions: () => [],
  async apply(context, change) {
    const { tx, accountId, actor } = context;
    const account = await findAccountWithOwner(tx, accountId);
    if (account.ownerId !== actor.userId) {
      throw fail.forbidden(`Only the owner (${account.owner?.email ?? 'nobody'}) can transfer ownership.`);
    }
    const target = await findUser(context, change.user);
    if (target.id === actor.userId) throw fail.badInput('You already own the account.');
    // An Admin for a while may take ownership too (where the catalog gives Admin only for a while, nobody
    // else holds it for good): the owner holds Admin for good, so the transfer gives it, as a grant of
    // Admin the approval policy judges, and the grant for a while ends.
    const now = context.clock.now();
    const timedAdmin = inForceAt(target.timedGrants, now).find((g) => g.role?.key === ADMIN_ROLE);
    const permanentAdmin = target.roles.some((h) => h.role.key === ADMIN_ROLE);
    if (target.status !== 'active' || (!permanentAdmin && !timedAdmin)) {
      throw fail.invalidState(`${target.email} must be an active Admin to own the account. Make them an Admin first.`);
    }
    let becameAdmin: Pick<Applied<UserCard>, 'gains' | 'audit'> = { gains: [], audit: [] };
    if (!permanentAdmin && timedAdmin?.roleId) {
      await addUserRole(tx, target.id, timedAdmin.roleId);
      await endGrantNow(tx, timedAdmin.id, { now, reason: 'permanent', by: actor.email });
      const after = await getUserRecord(tx, target.id);
      becameAdmin = {
        gains: powerGain(target, after, context.multipleRoles),
        audit: [
          {
            action: 'user.roles-changed',
            target: { id: target.id, email: target.email, name: target.name },
            ...diff({ roles: snapshot(target).roles }, { roles: snapshot(after).roles }),
          },
        ],
      };
    }
    await setAccountOwner(tx, accountId, target.id);
    const touched = [target.id, ...(account.ownerId ? [account.ownerId] : [])];
    return {
      result: await cardOf(context, target),
      stored: { ...change, user: { id: target.id } },
      summary: `Ownership: ${account.owner?.email ?? 'nobody'} → ${target.email}.`,
      outcome: `${target.email} now owns the account.`,
      touched,
      targets: touched,
      gains: becameAdmin.gains,
      facts: { users: 1 },
      audit: [
        ...becameAdmin.audit,
        {
          action: 'account.owner-transferred',
          target: { id: target.id, email: target.email, name: target.name },
          before: { owner: account.owner?.email ?? null },
          after: { owner: target.email },
        },
      ],
    };
  },
};
