/**
 * Sends what the outbox holds: invite reminders, the inviter's DM and the channel digests on
 * expiry, the expiring-soon digest, passcode warnings, and updates of expired approval messages.
 * Each claim is small; a refusal from Slack marks the notice failed, anything else is retried
 * by a later pass once the lease runs out.
 */
import type { Logger } from 'pino';
import type { ApprovalService } from '../domain/approvals/approval-service';
import type { Delivery } from '../domain/delivery/delivery';
import { formatWhen } from '../domain/format-when';
import type { InviteLinks } from '../domain/invites/invite-links';
import type { ClaimedNotice, NoticeOutbox } from '../domain/notices/notice-outbox';
import type { PrismaClient } from '../store/generated/client';

/** The largest digest message (SPEC: at most 50 invites a message). */
export const DIGEST_SIZE = 50;

export interface DigestEntry {
  email: string;
  expiresAt: Date;
  invitedBy: string | null;
}

/** How the scheduler reaches people; the composition root wires it to Slack. */
export interface SchedulerNotifier {
  /** DMs a directory user (by their Slack link or e-mail); false when they are not in the workspace. */
  dm(person: { email: string; slackUserId: string | null }, text: string): Promise<boolean>;
  /** Posts a digest to the notices channel; false when there is no channel. */
  digest(kind: 'expired' | 'expiring-soon', entries: DigestEntry[]): Promise<boolean>;
  /** Updates an approval request's message and tells its requester. */
  approvalSettled(request: Awaited<ReturnType<ApprovalService['view']>>): Promise<void>;
}

export interface SendDeps {
  prisma: PrismaClient;
  outbox: NoticeOutbox;
  notifier: SchedulerNotifier;
  delivery: Delivery;
  links: InviteLinks;
  approvals: ApprovalService;
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
async function settle(deps: SendDeps, claimed: ClaimedNotice[], send: (notice: ClaimedNotice) => Promise<void>): Promise<number> {
  const sent: string[] = [];
  let next = 0;
  async function worker() {
    while (next < claimed.length) {
      const notice = claimed[next++] as ClaimedNotice;
      try {
        await send(notice);
        sent.push(notice.id);
      } catch (error) {
        const refusal = isRefusal(error);
        deps.logger.warn(
          { notice: notice.dedupeKey, err: refusal ?? (error as Error).message },
          'a scheduled notice was not sent',
        );
        if (refusal) await deps.outbox.markFailed([notice.id], refusal);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, claimed.length) }, worker));
  await deps.outbox.markSent(sent);
  return sent.length;
}

export async function sendReminders(deps: SendDeps, limit: number): Promise<number> {
  const claimed = await deps.outbox.claim('reminder', limit);
  return settle(deps, claimed, async (notice) => {
    const invite = await deps.prisma.invite.findUnique({ where: { id: notice.subjectId }, include: { user: true } });
    if (invite?.status !== 'pending') return; // accepted or replaced meanwhile: nothing to remind
    const inviter = invite.invitedById ? await deps.prisma.user.findUnique({ where: { id: invite.invitedById } }) : null;
    const outcome = await deps.delivery.send({
      kind: 'invite-reminder',
      email: invite.user.email,
      name: invite.user.name,
      link: deps.links.url(deps.links.tokenFor(invite.tokenNonce)),
      expiresAt: invite.expiresAt,
      fromName: inviter?.name ?? inviter?.email ?? null,
      note: invite.note,
    });
    if (outcome.mail === 'failed' && outcome.slack !== 'sent') throw new Error(outcome.problems.join('; '));
  });
}

export async function sendExpiryDms(deps: SendDeps, limit: number): Promise<number> {
  const claimed = await deps.outbox.claim('expiry-dm', limit);
  return settle(deps, claimed, async (notice) => {
    const invite = await deps.prisma.invite.findUnique({ where: { id: notice.subjectId }, include: { user: true } });
    const inviter = invite?.invitedById ? await deps.prisma.user.findUnique({ where: { id: invite.invitedById } }) : null;
    if (!invite || !inviter || inviter.status !== 'active') return;
    await deps.notifier.dm(
      inviter,
      `The invite you sent to ${invite.user.email} expired ${formatWhen(invite.expiresAt)} without being accepted. Send a new one with \`/users invite-link ${invite.user.email}\` or the Re-invite button in the notices channel.`,
    );
  });
}

/** One digest message per claimed chunk of at most 50 invites. */
export async function sendDigest(deps: SendDeps, rule: 'expiry-digest' | 'expiring-soon'): Promise<number> {
  const claimed = await deps.outbox.claim(rule, DIGEST_SIZE);
  if (claimed.length === 0) return 0;
  const invites = await deps.prisma.invite.findMany({
    where: { id: { in: claimed.map((c) => c.subjectId) } },
    include: { user: { select: { email: true } } },
    orderBy: { expiresAt: 'asc' },
  });
  const inviters = await deps.prisma.user.findMany({
    where: { id: { in: invites.map((i) => i.invitedById).filter((id): id is string => id !== null) } },
    select: { id: true, email: true },
  });
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

export async function sendPasscodeWarnings(deps: SendDeps, limit: number): Promise<number> {
  const claimed = await deps.outbox.claim('passcode-warning', limit);
  return settle(deps, claimed, async (notice) => {
    const passcode = await deps.prisma.passcode.findUnique({ where: { id: notice.subjectId }, include: { user: true } });
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
