/**
 * App Home: seats as a bar, invites expiring in 24 h, invites expired lately with Re-invite buttons,
 * approvals waiting, recent changes, quick actions.
 */
import { Blocks, Elements, HomeTab } from 'slack-block-builder';
import type { ApproverSetup } from '../../domain/approvals/approver-setup';
import { FIRST_APPROVER_COMMAND } from '../../domain/changes/approval-policy';
import { formatWhen } from '../../domain/format-when';
import { type HomeSummary, RECENTLY_EXPIRED_DAYS } from '../../domain/home/home-service';
import { ACTIONS } from '../ids';
import { auditLine } from './audit-message';
import { fitList, LIMITS } from './block-limits';
import { escapeMrkdwn, seatBar } from './format';
import { campaignTitle, reviewPageBlocks } from './review-page-message';

export function appHomeView(summary: HomeSummary) {
  const invites = summary.expiringInvites.map((i) => `• ${i.email} — expires ${formatWhen(i.expiresAt)}`).join('\n');
  const approvals = summary.approvals
    .map((a) => `• ${escapeMrkdwn(a.summary).slice(0, 200)} — asked by ${a.requesterEmail}`)
    .join('\n');
  return HomeTab()
    .blocks(
      Blocks.Header({ text: 'Roster' }),
      Blocks.Context().elements(accountLine(summary.account)),
      Blocks.Section({ text: `*Seats*\n\`${seatBar(summary.seats.used, summary.seats.limit)}\`` }),
      summary.activeAdmins === 1
        ? Blocks.Section({
            text: ':warning: Only one active Admin is left. Make a second person an Admin so the account is never locked out.',
          })
        : undefined,
      summary.approverSetup ? Blocks.Section({ text: approverSetupHint(summary.approverSetup) }) : undefined,
      Blocks.Actions().elements(
        Elements.Button({ text: 'Invite', actionId: ACTIONS.helpInvite }).primary(),
        Elements.Button({ text: 'List', actionId: ACTIONS.helpList }),
        Elements.Button({ text: 'Export', actionId: ACTIONS.helpExport }),
        Elements.Button({ text: 'Refresh', actionId: ACTIONS.homeRefresh }),
        // Only the owner may change the account's settings; others are not offered a button that refuses them.
        summary.isOwner ? Elements.Button({ text: 'Settings', actionId: ACTIONS.homeSettings }) : undefined,
      ),
      Blocks.Divider(),
      Blocks.Section({ text: `*Invites expiring in the next 24 hours*\n${invites || 'None.'}` }),
      Blocks.Section({
        text: `*Invites that expired in the last ${RECENTLY_EXPIRED_DAYS} days*${summary.expiredInvites.length > 0 ? '' : '\nNone.'}`,
      }),
      ...summary.expiredInvites.map((invite) => {
        const row = Blocks.Section({ text: `• ${invite.email} — expired ${formatWhen(invite.expiredAt)}` });
        // Re-inviting needs users:manage; a view-only admin sees the list without the buttons.
        return summary.canManage
          ? row.accessory(Elements.Button({ text: 'Re-invite', actionId: ACTIONS.homeReinvite, value: invite.email }))
          : row;
      }),
      ...(summary.review
        ? [
            Blocks.Section({ text: '*Access review rows waiting for you*' }),
            ...reviewPageBlocks(summary.review),
            Blocks.Divider(),
          ]
        : []),
      summary.reviews.length > 0
        ? Blocks.Section({
            text: `*Access reviews in progress*\n${fitList(summary.reviews.map(reviewProgress), LIMITS.sectionText - 40)}`,
          })
        : undefined,
      ...yourAccess(summary),
      Blocks.Section({
        text: `*Approvals waiting for you*\n${approvals || 'None.'}${summary.approvals.length > 0 ? '\nDecide in the approvals channel or with `/users approvals`.' : ''}`,
      }),
      Blocks.Section({
        text: `*Recent changes*\n${
          summary.recent
            .map((e) => `• ${auditLine(e)}`)
            .join('\n')
            .slice(0, 2900) || 'None yet.'
        }`,
      }),
    )
    .buildToObject();
}

/** The viewer's own time-bound access (Extend and End now on each in force), their requests waiting, and Request access. */
function yourAccess(summary: HomeSummary) {
  const rows = summary.grants.map((grant) => {
    const line = grant.inForce
      ? `• *${escapeMrkdwn(grant.access)}* until ${formatWhen(grant.endsAt)}${grant.breakGlass ? ' · break-glass' : ''}`
      : `• ${escapeMrkdwn(grant.access)} — ended ${formatWhen(grant.endsAt)}`;
    return grant.inForce
      ? [
          Blocks.Section({ text: line }),
          Blocks.Actions().elements(
            // Extend asks an approver unless the policy lets the holder extend it themselves (never break-glass).
            Elements.Button({
              text: grant.selfExtend ? 'Extend' : 'Ask to extend',
              actionId: ACTIONS.grantExtend,
              value: grant.id,
            }),
            Elements.Button({ text: 'End now', actionId: ACTIONS.grantEnd, value: grant.id }),
          ),
        ]
      : [Blocks.Section({ text: line })];
  });
  const waiting = summary.myRequests.map(
    (r) => `• ${escapeMrkdwn(r.summary).slice(0, 200)} — expires ${formatWhen(r.expiresAt)}`,
  );
  return [
    Blocks.Section({
      text: `*Your access for a while*${summary.grants.length === 0 ? '\nNone. Ask for a role or permission for a few hours; an approver decides.' : ''}`,
    }).accessory(Elements.Button({ text: 'Request access', actionId: ACTIONS.homeRequestAccess })),
    ...rows.flat(),
    waiting.length > 0
      ? Blocks.Section({ text: `*Your requests waiting for an approver*\n${fitList(waiting, LIMITS.sectionText - 60)}` })
      : undefined,
    Blocks.Divider(),
  ];
}

/** One open review's progress: decided of all, and per reviewer. */
function reviewProgress(status: HomeSummary['reviews'][number]): string {
  const total = status.reviewers.reduce((n, r) => n + r.total, 0);
  const open = status.reviewers.reduce((n, r) => n + r.open, 0);
  const reviewers = fitList(
    status.reviewers.map((r) => `${r.reviewerEmail} ${r.total - r.open}/${r.total}`),
    500,
    ', ',
  );
  return `• ${campaignTitle(status.campaign)}: ${total - open} of ${total} decided, due ${formatWhen(status.campaign.dueAt)} — ${reviewers}`;
}

/** The owner's set-up hint while nobody (or too few) besides them may approve, and the way out. */
function approverSetupHint(setup: ApproverSetup): string {
  const have = `${setup.approvers === 0 ? 'nobody' : setup.approvers} besides you`;
  const head = `:construction: *Set up approvals.* Changes that need approval need ${setup.needed} approver${setup.needed === 1 ? '' : 's'} besides the requester, and the account has ${have}, so they are refused.`;
  return setup.firstApproversLeft > 0
    ? `${head} Make your first co-approver without an approval, once: \`${FIRST_APPROVER_COMMAND}\` makes an active user an Admin and announces it in <#${setup.approvalsChannel}>.`
    : `${head} You already made your first co-approver: make them active again, or ask whoever runs Roster.`;
}

/** Which account this is: the name API sign-in asks for, and the Slack workspace (or organization) it serves. */
function accountLine(account: HomeSummary['account']): string {
  const parts = [
    account.slug ? `API sign-in uses account \`${account.slug}\`` : '',
    account.teamId ? `Slack ${account.teamId.startsWith('E') ? 'organization' : 'workspace'} \`${account.teamId}\`` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : 'This account has no identifier yet.';
}

/** What someone outside the directory sees. */
export function strangerHomeView(message: string) {
  return HomeTab()
    .blocks(Blocks.Header({ text: 'Roster' }), Blocks.Section({ text: message }))
    .buildToObject();
}
