/**
 * Access reviews as changes (src/domain/reviews/): a reviewer's decisions (a removal or revocation is
 * the directory change it makes, judged by the approval policy like any other), the approval a decision
 * waits for, closing, and the owner's reassignment. Starting one is review-start-change.ts, the
 * scheduler's part review-scheduler-changes.ts. Rows are decided with conditional updates, once.
 */
import { fail } from '../../errors';
import { findApprovalRequestWithDecisions } from '../../store/approvals/approval-request-reads';
import {
  findCampaign,
  findOpenRowsOf,
  findPendingRequestIds,
  findReviewerOfOpenRows,
  findRowById,
  findRows,
  hasOpenRows,
  type ReviewCampaign,
  type ReviewerContact,
  type ReviewRow,
} from '../../store/reviews/review-reads';
import {
  closeCampaign,
  decideOpenRows,
  endPendingRowRequests,
  endRequest,
  reassignOpenRows,
  setRowRequest,
} from '../../store/reviews/review-writes';
import { findUserRecord } from '../../store/users/user-reads';
import type { AuditEntry } from '../audit/audit-service';
import { accessLabel } from '../reviews/review-scope';
import type { Applied, ChangeContext, ChangeHandler } from './change-handler';
import { touchingNoUser } from './change-handler';
import type { ChangeOf, DirectoryChange } from './directory-change';
import { applyRemoval, removalOf, revocationOf } from './review-removal';
import { findUser } from './user-change';

/** What a decision came to: the rows decided, what it changed, and whether it closed the campaign. */
export interface ReviewDecided {
  campaign: { id: string; number: number; name: string };
  decided: number;
  outcome: string;
  closed: boolean;
}

export const campaignLabel = (campaign: Pick<ReviewCampaign, 'number' | 'name'>) =>
  `review #${campaign.number} (${campaign.name})`;

/** The campaign, open; refused when it is not the account's or is closed. */
export async function openCampaign(context: ChangeContext, id: string): Promise<ReviewCampaign> {
  const campaign = await findCampaign(context.tx, context.accountId, { id });
  if (!campaign) throw fail.notFound('There is no such access review.');
  if (campaign.status !== 'open')
    throw fail.invalidState(`Access ${campaignLabel(campaign)} is closed; its decisions are final.`);
  return campaign;
}

/** Whether `actor` may run a campaign as its owner would (close it early, reassign rows): the owner, or Roster itself. */
async function actsForOwner(context: ChangeContext, campaign: ReviewCampaign, also: string | null = null): Promise<void> {
  const { actor } = context;
  if (actor.userId === null) return;
  const ownerId = await context.directory.ownerId(context.tx);
  if (actor.userId === ownerId || (also !== null && actor.userId === also)) return;
  throw fail.forbidden(
    `Only the account's owner${also ? ' or whoever started it' : ''} may do that to access ${campaignLabel(campaign)}.`,
  );
}

/**
 * The rows a decision is about, each open, the actor's to decide, not about the actor, and not waiting
 * for an approver already (but for the approval replaying it, and the overdue rule, which removes what is
 * still open whatever waits); Keep all left passes over rows that wait.
 */
async function decidableRows(context: ChangeContext, change: ChangeOf<'review-decide'>): Promise<ReviewRow[]> {
  const { actor, tx } = context;
  const byScheduler = actor.userId === null && actor.source === 'scheduler';
  const waitingOn = async (rows: ReviewRow[]) =>
    findPendingRequestIds(
      tx,
      rows.flatMap((row) => (row.requestId ? [row.requestId] : [])),
    );
  if (change.allOpen) {
    if (change.decision !== 'keep' || actor.userId === null) throw fail.badInput('Only Keep applies to every row left.');
    const rows = await findOpenRowsOf(tx, change.campaign, actor.userId);
    const waiting = await waitingOn(rows);
    const free = rows.filter((row) => !(row.requestId && waiting.has(row.requestId)));
    if (free.length === 0) throw fail.conflict('Nothing is left for you in this review but what waits for an approver.');
    return free;
  }
  if (change.rows.length === 0) throw fail.badInput('Say which rows you decide.');
  const rows = await findRows(tx, change.campaign, change.rows);
  if (rows.length !== new Set(change.rows).size) throw fail.notFound('Some of those rows are not in this review.');
  for (const row of rows) {
    if (!byScheduler && row.reviewerId !== actor.userId) {
      throw fail.forbidden(`${row.email}'s ${accessLabel(row.access)} is ${row.reviewerEmail}'s to review, not yours.`);
    }
    if (row.userId !== null && row.userId === actor.userId)
      throw fail.forbidden('Nobody reviews their own access; ask the owner to reassign it.');
  }
  const waiting = await waitingOn(rows);
  const busy = rows.find((row) => row.requestId && waiting.has(row.requestId));
  if (busy && actor.source !== 'approval' && !byScheduler) {
    throw fail.conflict(`Your decision on ${busy.email}'s ${accessLabel(busy.access)} already waits for an approver.`);
  }
  const open = rows.filter((row) => row.decision === null);
  if (open.length === 0) {
    const [row] = rows as [ReviewRow];
    throw fail.conflict(
      `${row.email}'s ${accessLabel(row.access)} was already decided (${row.decision}) by ${row.decidedByEmail ?? 'someone'}.`,
    );
  }
  return open;
}

/**
 * A reviewer decides rows of theirs. Keep records the decision. Remove access and Revoke user (one row
 * at a time) make the directory change with its own kind's handler in the same transaction, and the
 * approval policy judges it as that kind (a revocation waits for an approver where the policy says so;
 * the decision is recorded when it is approved). The last open row decided closes the campaign.
 */
export const reviewDecide: ChangeHandler<'review-decide', ReviewDecided> = {
  // Authorised by being the rows' reviewer (checked under the lock), not by an admin permission.
  permissions: () => [],
  async apply(context, change) {
    const { tx, actor } = context;
    const campaign = await openCampaign(context, change.campaign);
    const rows = await decidableRows(context, change);
    if (change.decision !== 'keep' && rows.length !== 1) throw fail.badInput('Remove or revoke one row at a time.');
    const now = context.clock.now();
    let effect: Applied<unknown> | null = null;
    let outcome = 'Kept.';
    const [first] = rows as [ReviewRow];
    if (change.decision !== 'keep') {
      const user = first.userId ? await findUserRecord(tx, context.accountId, { id: first.userId }) : null;
      const removal = !user ? null : change.decision === 'revoke' ? revocationOf(user) : await removalOf(context, first, user);
      if (!user) outcome = `${first.email} is no longer in the directory; nothing to change.`;
      else if (!removal)
        outcome = change.decision === 'revoke' ? `${first.email} was already revoked.` : `${first.email} no longer held it.`;
      else {
        effect = await applyRemoval(context, removal);
        outcome = effect.outcome;
      }
    }
    const decided = await decideOpenRows(
      tx,
      campaign.id,
      rows.map((row) => row.id),
      actor.userId,
      {
        decision: change.decision,
        note: change.note || null,
        decidedById: actor.userId,
        decidedByEmail: actor.email,
        decidedAt: now,
        outcome,
      },
    );
    if (decided.length === 0) throw fail.conflict('Those rows were decided meanwhile.');
    // The scheduler decides only for the overdue rule: a campaign it finishes closed as overdue.
    const reason = actor.source === 'scheduler' ? 'overdue' : 'decided';
    const closed = !(await hasOpenRows(tx, campaign.id)) && (await closeReview(context, campaign, reason, now));
    const about = rows.length === 1 ? `${first.email}'s ${accessLabel(first.access)}` : `${decided.length} rows`;
    const decides = {
      keep: `keeps ${about}`,
      remove: `removes ${about}`,
      revoke: `revokes ${first.email}, reviewing their ${accessLabel(first.access)}`,
    }[change.decision];
    const note = change.note ? ` Reviewer's note: “${change.note}”` : '';
    const summary = `Access ${campaignLabel(campaign)}: ${actor.email} ${decides}.${note}${effect ? `\n${effect.summary}` : ''}`;
    const audit: AuditEntry[] = [
      ...(effect?.audit ?? []),
      {
        action: 'review.decided',
        ...(rows.length === 1 && first.userId ? { target: { id: first.userId, email: first.email, name: first.name } } : {}),
        after: {
          campaign: campaign.number,
          decision: change.decision,
          rows: decided.length,
          ...(rows.length === 1 ? { access: first.access } : {}),
          ...(change.note ? { note: change.note } : {}),
          outcome,
        },
      },
      ...(closed ? [closedEntry(campaign, reason)] : []),
    ];
    const result: ReviewDecided = {
      campaign: { id: campaign.id, number: campaign.number, name: campaign.name },
      decided: decided.length,
      outcome,
      closed,
    };
    const base = touchingNoUser(result, { stored: change, summary, outcome, audit });
    if (!effect) return base;
    return {
      ...base,
      touched: effect.touched,
      targets: effect.targets,
      gains: effect.gains,
      // Nobody reviews their own access: nobody it removes decides the request for it either.
      targetsMayNotDecide: true,
      facts: { ...effect.facts, kind: change.decision === 'revoke' ? 'revoke' : (effect.stored.kind as DirectoryChange['kind']) },
    };
  },
};

/** The audit entry of a campaign's close. */
function closedEntry(campaign: ReviewCampaign, reason: string): AuditEntry {
  return { action: 'review.closed', after: { campaign: campaign.number, name: campaign.name, reason } };
}

/**
 * Closes a campaign (its pending approval requests end with it, their messages updated) and queues its
 * report for the owner; false when it was closed already.
 */
async function closeReview(context: ChangeContext, campaign: ReviewCampaign, reason: string, at: Date): Promise<boolean> {
  const { tx } = context;
  const ended = await endPendingRowRequests(tx, campaign.id, null, {
    at,
    outcome: `Ended: access review #${campaign.number} closed before a decision.`,
  });
  const closed = await closeCampaign(tx, campaign.id, { at, byEmail: context.actor.email, reason });
  if (!closed) return false;
  await context.outbox.queue(tx, [
    { rule: 'review-report', subjectId: campaign.id },
    ...ended.map((request) => ({ rule: 'approval-expired', subjectId: request.id })),
  ]);
  return true;
}

/** Notes on a row the approval request its decision waits for, so the reviewer sees it waiting. */
export const reviewAwait: ChangeHandler<'review-await', { noted: boolean }> = {
  permissions: () => [],
  async apply(context, change) {
    const { actor } = context;
    if (actor.userId === null) throw fail.forbidden('Only a reviewer notes what their decision waits for.');
    // Only the reviewer's own request to decide this very row is noted on it.
    const request = await findApprovalRequestWithDecisions(context.tx, context.accountId, change.request);
    const stored = request?.payload as { kind?: unknown; rows?: unknown } | undefined;
    const aboutRow = stored?.kind === 'review-decide' && Array.isArray(stored.rows) && stored.rows.includes(change.row);
    if (!request || request.requesterId !== actor.userId || !aboutRow) {
      throw fail.badInput('That approval request is not your decision on this row.');
    }
    // Two decisions submitted at once (a double click, the DM and App Home) made two requests: the row
    // keeps the first, and the second ends at once, so one approval can ever act on it.
    const row = await findRowById(context.tx, context.accountId, change.row);
    const earlier = row?.requestId && row.requestId !== request.id ? row.requestId : null;
    if (earlier && (await findPendingRequestIds(context.tx, [earlier])).has(earlier)) {
      await endRequest(context.tx, request.id, {
        at: context.clock.now(),
        outcome: 'Ended: the same decision already waits for an approver.',
      });
      await context.outbox.queue(context.tx, [{ rule: 'approval-expired', subjectId: request.id }]);
      return touchingNoUser(
        { noted: false },
        { stored: change, summary: 'A review decision already waits.', outcome: 'Not noted.', audit: [] },
      );
    }
    const noted = (await setRowRequest(context.tx, change.row, actor.userId, change.request)) > 0;
    return touchingNoUser(
      { noted },
      { stored: change, summary: 'A review decision waits for approval.', outcome: 'Noted.', audit: [] },
    );
  },
};

/** The owner (or whoever started it, or the scheduler when it is overdue) closes a campaign; open rows become not reviewed. */
export const reviewClose: ChangeHandler<'review-close', { campaign: ReviewCampaign; closed: boolean }> = {
  permissions: () => [],
  async apply(context, change) {
    const campaign = await openCampaign(context, change.campaign);
    if (change.reason === 'overdue' && context.actor.source !== 'scheduler')
      throw fail.forbidden('Only the scheduler closes a review as overdue.');
    await actsForOwner(context, campaign, campaign.startedById);
    const closed = await closeReview(context, campaign, change.reason, context.clock.now());
    const outcome = `Access ${campaignLabel(campaign)} is closed; rows still open are recorded as not reviewed.`;
    return touchingNoUser(
      { campaign, closed },
      { stored: change, summary: outcome, outcome, audit: closed ? [closedEntry(campaign, change.reason)] : [] },
    );
  },
};

/** The owner moves a reviewer's open rows to another active user (never rows about that user). */
/**
 * The reviewer whose rows move: a directory user, or, for one deleted since (whose rows keep their id and
 * address), the reviewer of open rows at that address.
 */
async function reviewerToMove(
  context: ChangeContext,
  campaign: ReviewCampaign,
  who: ChangeOf<'review-reassign'>['from'],
): Promise<{ id: string; email: string }> {
  const key = 'email' in who ? { email: who.email.trim().toLowerCase() } : who;
  const user = await findUserRecord(context.tx, context.accountId, key);
  if (user) return { id: user.id, email: user.email };
  const gone = 'email' in key ? await findReviewerOfOpenRows(context.tx, campaign.id, key.email) : null;
  if (!gone)
    throw fail.notFound(`Nobody by that name reviews open rows in access ${campaignLabel(campaign)}.`, { field: 'from' });
  return gone;
}

export const reviewReassign: ChangeHandler<
  'review-reassign',
  { campaign: ReviewCampaign; moved: number; kept: number; to: ReviewerContact; from: string }
> = {
  permissions: () => [],
  async apply(context, change) {
    const campaign = await openCampaign(context, change.campaign);
    await actsForOwner(context, campaign);
    const from = await reviewerToMove(context, campaign, change.from);
    const to = await findUser(context, change.to);
    if (to.status !== 'active')
      throw fail.invalidState(`${to.email} is ${to.status}; only active users can review.`, { field: 'to' });
    if (from.id === to.id) throw fail.badInput('Give a different reviewer to move the rows to.', { field: 'to' });
    const contact = { id: to.id, email: to.email, slackUserId: to.slackUserId };
    // Decisions of the old reviewer still waiting for an approver end: the new reviewer decides afresh.
    const moving = (await findOpenRowsOf(context.tx, campaign.id, from.id)).filter((row) => row.userId !== to.id);
    const ended = await endPendingRowRequests(
      context.tx,
      campaign.id,
      moving.map((row) => row.id),
      { at: context.clock.now(), outcome: `Ended: the rows moved from ${from.email} to ${to.email}.` },
    );
    await context.outbox.queue(
      context.tx,
      ended.map((request) => ({ rule: 'approval-expired', subjectId: request.id })),
    );
    const { moved, kept } = await reassignOpenRows(context.tx, campaign.id, from.id, contact);
    if (moved === 0 && kept === 0)
      throw fail.badInput(`${from.email} has no open rows in access ${campaignLabel(campaign)}.`, { field: 'from' });
    const outcome = `${moved} open row${moved === 1 ? '' : 's'} of ${from.email} in access ${campaignLabel(campaign)} now ${moved === 1 ? 'goes' : 'go'} to ${to.email}.${kept ? ` ${kept} stay${kept === 1 ? 's' : ''}: ${kept === 1 ? 'it is' : 'they are'} about ${to.email}, who does not review their own access.` : ''}`;
    return touchingNoUser(
      { campaign, moved, kept, to: contact, from: from.email },
      {
        stored: { ...change, from: { id: from.id }, to: { id: to.id } },
        summary: outcome,
        outcome,
        audit: [
          {
            action: 'review.reassigned',
            target: { id: to.id, email: to.email, name: to.name },
            after: { campaign: campaign.number, from: from.email, to: to.email, rows: moved },
          },
        ],
      },
    );
  },
};
