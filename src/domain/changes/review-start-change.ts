/**
 * Starting an access review (src/domain/reviews/): every active user's access under the scope as it
 * stands, one row each, with a reviewer by the campaign's rules; a scheduled review once per period.
 */
import { fail } from '../../errors';
import { findAccountWithOwner } from '../../store/accounts/account-reads';
import { listPartners } from '../../store/partners/partner-list';
import {
  findActiveContacts,
  findActiveRoleHolders,
  findCampaignOfPeriod,
  findReviewSubjects,
  listGroupNames,
  nextCampaignNumber,
  type ReviewCampaign,
  type ReviewerContact,
} from '../../store/reviews/review-reads';
import { createCampaign } from '../../store/reviews/review-writes';
import { listPermissionKeys } from '../../store/roles/permission-keys';
import { findApproverCandidates } from '../../store/users/approver-reads';
import { mayApprove } from '../approvals/may-approve';
import { DAY_MS } from '../clock';
import { assignReviewers, campaignRows, type ReviewerPool } from '../reviews/review-assignment';
import { describeScope, type ReviewScope } from '../reviews/review-scope';
import { ADMIN_ROLE } from '../roles/catalog';
import { ADMIN_PLANE_PERMISSIONS } from '../roles/permissions';
import type { ChangeContext, ChangeHandler } from './change-handler';
import { touchingNoUser } from './change-handler';
import type { ChangeOf } from './directory-change';
import { campaignLabel } from './review-changes';
import { findUser } from './user-change';

/** How often reviewers with open rows are reminded before the due date; daily after it. */
export const REMIND_EVERY_DAYS = 3;
/** A campaign's due date when none is given. */
export const DEFAULT_DUE_DAYS = 14;
/** How far ahead a review may be due. */
export const MAX_DUE_DAYS = 366;
/** Rows a campaign may hold: bounds one transaction. */
export const MAX_REVIEW_ROWS = 50_000;

/** A reviewer as a started campaign reports them: who, and how many rows they have. */
export interface AssignedReviewer extends ReviewerContact {
  rows: number;
}

export interface ReviewStarted {
  campaign: ReviewCampaign;
  rows: number;
  users: number;
  reviewers: AssignedReviewer[];
}

/** Refuses what the scope names that the account does not have, naming it. */
async function checkScope(context: ChangeContext, scope: ReviewScope): Promise<void> {
  const { tx, accountId } = context;
  const roles = new Set((await context.roles()).map((role) => role.key));
  const unknownRole = scope.roles.find((key) => !roles.has(key.toLowerCase()));
  if (unknownRole) throw fail.notFound(`There is no role \`${unknownRole}\`.`, { field: 'role' });
  if (scope.perms.length > 0) {
    const perms = new Set([...ADMIN_PLANE_PERMISSIONS, ...(await listPermissionKeys(tx, accountId))]);
    const unknown = scope.perms.find((key) => !perms.has(key.toLowerCase()));
    if (unknown) throw fail.notFound(`There is no permission \`${unknown}\`.`, { field: 'perm' });
  }
  if (scope.groups.length > 0) {
    const names = new Set((await listGroupNames(tx, accountId)).map((name) => name.toLowerCase()));
    const unknown = scope.groups.find((name) => !names.has(name.toLowerCase()));
    if (unknown) throw fail.notFound(`There is no group \`${unknown}\`.`, { field: 'group' });
  }
  if (scope.partners.length > 0) {
    const names = new Set((await listPartners(tx, accountId)).map((partner) => partner.nameKey));
    const unknown = scope.partners.find((name) => !names.has(name.toLowerCase()));
    if (unknown) throw fail.notFound(`There is no partner \`${unknown}\`.`, { field: 'partner' });
  }
}

/** The people the reviewer rules name, resolved inside the transaction; named people must be active. */
async function reviewerPool(context: ChangeContext, rules: ChangeOf<'review-start'>['reviewers']): Promise<ReviewerPool> {
  const { tx, accountId } = context;
  const account = await findAccountWithOwner(tx, accountId);
  const owner =
    account.owner?.status === 'active'
      ? { id: account.owner.id, email: account.owner.email, slackUserId: account.owner.slackUserId }
      : null;
  const pool: ReviewerContact[] = [];
  const add = (person: ReviewerContact) => {
    if (!pool.some((p) => p.id === person.id)) pool.push(person);
  };
  for (const rule of rules) {
    if (rule === 'owner') {
      if (!owner) throw fail.invalidState('The account has no active owner to review.', { field: 'reviewer' });
      add(owner);
    } else if (rule === 'approvers') {
      const candidates = await findApproverCandidates(tx, accountId, { except: [] });
      const approvers = candidates.filter((user) => mayApprove(user, context.multipleRoles));
      for (const approver of approvers.sort((a, b) => a.email.localeCompare(b.email))) add(approver);
    } else if (rule !== 'inviter') {
      const person = await findUser(context, rule);
      if (person.status !== 'active') {
        throw fail.invalidState(`${person.email} is ${person.status}; only active users can review.`, { field: 'reviewer' });
      }
      add({ id: person.id, email: person.email, slackUserId: person.slackUserId });
    }
  }
  const admins = await findActiveRoleHolders(tx, accountId, ADMIN_ROLE);
  return { pool, admins, owner, inviters: rules.includes('inviter') ? new Map() : undefined };
}

/**
 * Starts a campaign: every active user's access under the scope as it stands now, one row each, with
 * its reviewer; reviewers are told (by the command that started it, or for a scheduled one by the
 * scheduler's notices). The same period of a scheduled review starts once (a unique key).
 */
export const reviewStart: ChangeHandler<'review-start', ReviewStarted> = {
  // Its decisions change roles, extra permissions and groups and disable or revoke users, each without
  // a permission of the reviewer's own: whoever starts it must hold every permission they may use.
  permissions: (change) => [
    'roles:manage',
    'users:manage',
    ...(change.scope.groups.length > 0 ? (['groups:manage'] as const) : []),
  ],
  async apply(context, change) {
    const { tx, accountId, actor } = context;
    const now = context.clock.now();
    const scope = {
      ...change.scope,
      roles: change.scope.roles.map((key) => key.toLowerCase()),
      perms: change.scope.perms.map((key) => key.toLowerCase()),
    };
    await checkScope(context, scope);
    const dueAt = change.dueAt ? new Date(change.dueAt) : new Date(now.getTime() + (change.dueDays ?? DEFAULT_DUE_DAYS) * DAY_MS);
    if (dueAt.getTime() <= now.getTime()) throw fail.badInput('The due date has passed; give a later one.', { field: 'due' });
    if (dueAt.getTime() > now.getTime() + MAX_DUE_DAYS * DAY_MS) {
      throw fail.badInput(`A review is due within ${MAX_DUE_DAYS} days; give an earlier date.`, { field: 'due' });
    }
    const subjects = await findReviewSubjects(tx, accountId, {
      ...scope,
      groups: scope.groups.map((name) => name.toLowerCase()),
      partners: scope.partners.map((name) => name.toLowerCase()),
    });
    if (subjects.length === 0) throw fail.badInput(`Nobody active holds ${describeScope(scope)}: there is nothing to review.`);
    if (subjects.length > MAX_REVIEW_ROWS) {
      throw fail.badInput(
        `That is ${subjects.length} rows to review; one campaign takes at most ${MAX_REVIEW_ROWS}. Narrow the scope.`,
      );
    }
    const pool = await reviewerPool(context, change.reviewers);
    if (pool.inviters) {
      const ids = [...new Set(subjects.flatMap((s) => (s.invitedById ? [s.invitedById] : [])))];
      for (const inviter of await findActiveContacts(tx, accountId, ids)) pool.inviters.set(inviter.id, inviter);
    }
    const assigned = assignReviewers(subjects, pool);
    const periodKey = change.schedule ? `${change.schedule.name}@${change.schedule.periodKey}` : null;
    if (periodKey && (await findCampaignOfPeriod(tx, accountId, periodKey))) {
      throw fail.conflict(`The scheduled review “${change.schedule?.name}” already started for this period.`);
    }
    const number = await nextCampaignNumber(tx, accountId);
    const name = change.name ?? change.schedule?.name ?? `Access review of ${describeScope(scope)}`;
    const campaign = await createCampaign(
      tx,
      {
        accountId,
        number,
        name,
        scope,
        reviewers: change.reviewers,
        onOverdue: change.onOverdue,
        startedById: actor.userId,
        startedByEmail: actor.email,
        schedule: change.schedule?.name ?? null,
        periodKey,
        dueAt,
        nextReminderAt: new Date(Math.min(now.getTime() + REMIND_EVERY_DAYS * DAY_MS, dueAt.getTime())),
        createdAt: now,
      },
      campaignRows(assigned),
    );
    const reviewers = new Map<string, AssignedReviewer>();
    for (const row of assigned) {
      const reviewer = reviewers.get(row.reviewer.id) ?? { ...row.reviewer, rows: 0 };
      reviewer.rows += 1;
      reviewers.set(reviewer.id, reviewer);
    }
    // A scheduled campaign's reviewers hear of it from the scheduler's notices; a typed one's from the command.
    if (actor.source === 'scheduler') {
      await context.outbox.queue(
        tx,
        [...reviewers.keys()].map((reviewerId) => ({ rule: 'review-assigned', subjectId: campaign.id, occasion: reviewerId })),
      );
    }
    const users = new Set(subjects.map((s) => s.userId)).size;
    const summary = `Access ${campaignLabel(campaign)} started: ${assigned.length} rows for ${users} users, due ${dueAt.toISOString()}.`;
    return touchingNoUser(
      { campaign, rows: assigned.length, users, reviewers: [...reviewers.values()] },
      {
        stored: change,
        summary,
        outcome: summary,
        audit: [
          {
            action: 'review.started',
            after: {
              campaign: number,
              name,
              scope: describeScope(scope),
              reviewers: [...reviewers.values()].map((r) => r.email),
              rows: assigned.length,
              users,
              dueAt: dueAt.toISOString(),
              onOverdue: change.onOverdue,
            },
          },
        ],
      },
    );
  },
};
