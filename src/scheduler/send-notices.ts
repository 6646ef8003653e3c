/**
 * Sends what the outbox holds: invite reminders, the inviter's DM (one per inviter, listing their
 * expired invites) and the channel digests on expiry, the expiring-soon digest, passcode warnings,
 * and updates of expired approval messages.
 * Each claim is small; a refusal from Slack marks the notice failed, anything else is retried
 * by a later pass once the lease runs out.
 */
import type { Logger } from 'pino';
import { systemActor } from '../domain/access/actor';
import type { ApprovalService } from '../domain/approvals/approval-service';
import type { ChangeService } from '../domain/changes/change-service';
import { forEachLimited } from '../domain/for-each-limited';
import { formatWhen } from '../domain/format-when';
import type { InviteLinks } from '../domain/invites/invite-links';
import type { ClaimedGroup, ClaimedNotice, NoticeOutbox } from '../domain/notices/notice-outbox';
import type { Delivery, SchedulerNotifier } from '../domain/ports';
import { findPasscodeWithUser } from '../store/credentials/credential-reads';
import { findInviteWithUser, listInviteExpiries, listInvitesWithEmail } from '../store/invites/invite-notice-reads';
import { findPendingInviteLinks } from '../store/invites/invite-reads';
import type { Store } from '../store/tx';
import { findUserById, findUserEmails } from '../store/users/user-reads';
import { readScimDigest, SCIM_DIGEST_RULE } from './scim-digest';

/** The largest digest message (SPEC: at most 50 invites a message). */
export const DIGEST_SIZE = 50;

/** The notifier port and its message types, still importable from here (the digest views and tests name them from this file). */
export type { DigestEntry, ExpiredInvite, SchedulerNotifier } from '../domain/ports';

export interface SendDeps {
  prisma: Store;
  accountId: string;
  outbox: NoticeOutbox;
  notifier: SchedulerNotifier;
  delivery: Delivery;
  links: InviteLinks;
  approvals: ApprovalService;
  /** The change layer, for the one directory write of sending: renewing a link after the link secret changed. */
  changes: ChangeService;
  logger: Logger;
}

/** Slack answered, and said no: retrying will not help. */
function isRefusal(error: unknown): string | null {
  const data = (error as { data?: { ok?: boolean; error?: string } }).data;
  return data && data.ok === false ? (data.error ?? 'refused') : null;
}

/** Notices sent at once; Slack's per-method limits are enforced by the Web API client (429 → wait, retry). */
export const SEND_CONCURRENCY = 8;

/** Sends each claimed notice with `send`, settling it as sent, failed (refused) or left for retry. */
export async function settle(
  deps: SendDeps,
  claimed: ClaimedNotice[],
  send: (notice: ClaimedNotice) => Promise<void>,
): Promise<number> {
  const sent: string[] = [];
  await forEachLimited(claimed, SEND_CONCURRENCY, async (notice) => {
    try {
      await send(notice);
      sent.push(notice.id);
    } catch (error) {
      const refusal = isRefusal(error);
      deps.logger.warn({ notice: notice.dedupeKey, err: refusal ?? (error as Error).message }, 'a scheduled notice was not sent');
      if (refusal) await deps.outbox.markFailed([notice.id], refusal);
    }
  });
  await deps.outbox.markSent(sent);
  return sent.length;
}

/**
 * Fresh links for those of these invites whose link no longer derives (the link secret changed), by
 * one `invite-link-renewal` change for the batch; none is submitted while every link still derives.
 */
async function renewedLinks(deps: SendDeps, inviteIds: string[]): Promise<Map<string, string>> {
  const links = await findPendingInviteLinks(deps.prisma, deps.accountId, inviteIds);
  const stale = links.filter((link) => !deps.links.rederive(link)).map((link) => link.id);
  if (stale.length === 0) return new Map();
  const submitted = await deps.changes.submit(systemActor('scheduler'), { kind: 'invite-link-renewal', invites: stale });
  return new Map(submitted.status === 'done' ? Object.entries(submitted.result.tokens) : []);
}

export async function sendReminders(deps: SendDeps, limit: number): Promise<number> {
  const claimed = await deps.outbox.claim('reminder', limit);
  const renewed =
    claimed.length > 0
      ? await renewedLinks(
          deps,
          claimed.map((notice) => notice.subjectId),
        )
      : new Map();
  return settle(deps, claimed, async (notice) => {
    const invite = await findInviteWithUser(deps.prisma, notice.subjectId);
    if (invite?.status !== 'pending') return; // accepted or replaced meanwhile: nothing to remind
    const token = deps.links.rederive(invite) ?? renewed.get(invite.id);
    // Renewed meanwhile under another secret: the notice stays claimed and goes out on a later pass.
    if (!token) throw new Error('the invite link changed while the reminder was on its way');
    const inviter = invite.invitedById ? await findUserById(deps.prisma, invite.invitedById) : null;
    const outcome = await deps.delivery.send({
      kind: 'invite-reminder',
      email: invite.user.email,
      name: invite.user.name,
      link: deps.links.url(token),
      expiresAt: invite.expiresAt,
      fromName: inviter?.name ?? inviter?.email ?? null,
      note: invite.note,
      replyTo: inviter?.email ?? null,
    });
    if (outcome.mail === 'failed' && outcome.slack !== 'sent') throw new Error(outcome.problems.join('; '));
  });
}

/**
 * The inviters' DMs: each lane claims one inviter's expired invites (at most 50) and sends them in one
 * message, until no inviter is left; an inviter with more gets continuation messages, one after another.
 * A lane that claims a group opens another (up to SEND_CONCURRENCY), so one inviter costs three claims
 * and many inviters are served several at a time. Stops between messages once `signal` is aborted.
 */
export async function sendExpiryDms(deps: SendDeps, signal?: AbortSignal): Promise<number> {
  let sent = 0;
  const failures: unknown[] = [];
  const lanes: Promise<void>[] = [];
  const lane = async (): Promise<void> => {
    while (!signal?.aborted && failures.length === 0) {
      const group = await deps.outbox.claimGroup('expiry-dm', DIGEST_SIZE);
      if (!group) return;
      if (lanes.length < SEND_CONCURRENCY) open();
      const done = await sendExpiryDm(deps, group);
      sent += done;
    }
  };
  // A lane that fails (the store) stops the others before their next claim; its error is thrown once all are done.
  const open = () => {
    lanes.push(
      lane().catch((error: unknown) => {
        failures.push(error);
      }),
    );
  };
  open();
  // Lanes join while others run: wait until every one opened has finished.
  for (let done = 0; done < lanes.length; done++) await lanes[done];
  if (failures.length > 0) throw failures[0];
  return sent;
}

async function sendExpiryDm(deps: SendDeps, group: ClaimedGroup): Promise<number> {
  const ids = group.notices.map((n) => n.id);
  try {
    await dmInviter(deps, group);
    await deps.outbox.markSent(ids);
    return ids.length;
  } catch (error) {
    const refusal = isRefusal(error);
    deps.logger.warn(
      { notice: 'expiry-dm', inviter: group.groupKey, invites: ids.length, err: refusal ?? (error as Error).message },
      'a scheduled notice was not sent',
    );
    if (refusal) await deps.outbox.markFailed(ids, refusal);
    return 0;
  }
}

async function dmInviter(deps: SendDeps, group: ClaimedGroup): Promise<void> {
  const inviter = await findUserById(deps.prisma, group.groupKey);
  if (inviter?.status !== 'active') return; // nobody to tell
  const inviteIds = group.notices.map((n) => n.subjectId);
  const invites = await listInviteExpiries(deps.prisma, inviteIds);
  if (invites.length === 0) return; // deleted meanwhile
  await deps.notifier.expiredInvites(
    inviter,
    invites.map((i) => ({ email: i.user.email, expiresAt: i.expiresAt })),
    group.more,
  );
}

/** One digest message per claimed chunk of at most 50 invites. */
export async function sendDigest(deps: SendDeps, rule: 'expiry-digest' | 'expiring-soon'): Promise<number> {
  const claimed = await deps.outbox.claim(rule, DIGEST_SIZE);
  if (claimed.length === 0) return 0;
  const inviteIds = claimed.map((c) => c.subjectId);
  const invites = await listInvitesWithEmail(deps.prisma, inviteIds);
  const inviterIds = invites.map((i) => i.invitedById).filter((id): id is string => id !== null);
  const inviters = await findUserEmails(deps.prisma, inviterIds);
  const entries = invites
    .filter((i) => (rule === 'expiring-soon' ? i.status === 'pending' : true))
    .map((i) => ({
      email: i.user.email,
      expiresAt: i.expiresAt,
      invitedBy: inviters.find((u) => u.id === i.invitedById)?.email ?? null,
    }));
  try {
    if (entries.length > 0) await deps.notifier.digest(rule === 'expiry-digest' ? 'expired' : 'expiring-soon', entries);
    await deps.outbox.markSent(claimed.map((c) => c.id));
    return claimed.length;
  } catch (error) {
    const refusal = isRefusal(error);
    deps.logger.warn({ rule, err: refusal ?? (error as Error).message }, 'a digest was not posted');
    if (refusal)
      await deps.outbox.markFailed(
        claimed.map((c) => c.id),
        refusal,
      );
    return 0;
  }
}

/** Claims up to `limit` notices of `rule` and sends each with `send`; returns how many were sent. */
export async function sendClaimed(
  deps: SendDeps,
  rule: string,
  limit: number,
  send: (notice: ClaimedNotice) => Promise<void>,
): Promise<number> {
  return settle(deps, await deps.outbox.claim(rule, limit), send);
}

export async function sendPasscodeWarnings(deps: SendDeps, limit: number): Promise<number> {
  const claimed = await deps.outbox.claim('passcode-warning', limit);
  return settle(deps, claimed, async (notice) => {
    const passcode = await findPasscodeWithUser(deps.prisma, notice.subjectId);
    if (passcode?.status !== 'active' || passcode.user.status !== 'active') return;
    await deps.notifier.dm(
      passcode.user,
      `Your API passcode expires ${formatWhen(passcode.expiresAt)}. Ask an admin to reset it if you still need it.`,
    );
  });
}

export async function sendApprovalExpiries(deps: SendDeps, limit: number): Promise<number> {
  const claimed = await deps.outbox.claim('approval-expired', limit);
  return settle(deps, claimed, async (notice) => {
    await deps.notifier.approvalSettled(await deps.approvals.view(notice.subjectId));
  });
}

/** One SCIM digest per call, oldest first (a digest is one message, so they go out in order). */
export async function sendScimDigest(deps: SendDeps): Promise<number> {
  const claimed = await deps.outbox.claim(SCIM_DIGEST_RULE, 1);
  return settle(deps, claimed, async (notice) => {
    await deps.notifier.scimDigest(await readScimDigest(deps.prisma, deps.accountId, notice.subjectId));
  });
}
