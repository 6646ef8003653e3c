/** The approvals-channel message of a request: details with Approve / Reject while pending, the outcome after. */

import { Blocks, Elements, Message } from 'slack-block-builder';
import type { ApprovalRequestView } from '../../domain/approvals/approval-service';
import { formatWhen } from '../../domain/format-when';
import type { ApprovalAction } from '../../domain/roles/catalog';
import { ACTIONS, BLOCKS } from '../ids';
import type { Reply } from '../reply';
import { fitText, LIMITS } from './block-limits';
import { escapeMrkdwn } from './format';

const TITLES: Record<ApprovalAction, string> = {
  delete: 'Delete users',
  revoke: 'Revoke access',
  'grant-admin': 'Grant Admin',
  'passcode-long': 'Long passcode',
  bulk: 'Bulk role change',
  'recover-owner': 'Recover ownership',
  'access-request': 'Access for a while',
};

/** The title of a request's action; undefined for one this version does not know. */
const titleOf = (action: string): string | undefined =>
  Object.hasOwn(TITLES, action) ? TITLES[action as ApprovalAction] : undefined;

function statusLine(request: ApprovalRequestView): string {
  const approvals = request.approvals.map((a) => a.email).join(', ');
  switch (request.status) {
    case 'pending':
      return request.approvals.length > 0
        ? `:hourglass: ${request.approvals.length} of ${request.requiredApprovals} approvals (${approvals}); waiting for another approver.`
        : `:hourglass: Waiting for ${request.requiredApprovals === 1 ? 'an approver' : `${request.requiredApprovals} approvers`} until ${formatWhen(request.expiresAt)}.`;
    case 'approved':
      return `:white_check_mark: Approved by ${approvals} at ${formatWhen(request.decidedAt ?? request.createdAt)}. ${escapeMrkdwn(request.outcome ?? '')}`;
    case 'rejected':
      return `:no_entry: ${escapeMrkdwn(request.outcome ?? 'Rejected.')}`;
    case 'stale':
      return `:warning: Stale: ${escapeMrkdwn(request.outcome ?? '')}`;
    case 'failed':
      return `:x: Approved by ${approvals}, but the change failed: ${escapeMrkdwn(request.outcome ?? '')}`;
    default:
      return `:zzz: Expired at ${formatWhen(request.expiresAt)} without a decision.`;
  }
}

export function approvalMessage(request: ApprovalRequestView): Reply {
  const title = `${titleOf(request.action) ?? request.action} — requested by ${request.requesterEmail}`;
  const message = Message()
    .text(`Approval request: ${title}`)
    .blocks(
      Blocks.Header({ text: (titleOf(request.action) ?? 'Approval request').slice(0, 150) }),
      // Each text gets a section of its own, cut to fit: a refused post would leave the request unseen.
      Blocks.Section({
        text: fitText(
          [
            `*Requested by* ${request.requesterSlackId ? `<@${request.requesterSlackId}>` : request.requesterEmail}`,
            `*What changes*`,
            escapeMrkdwn(request.summary),
          ].join('\n'),
          LIMITS.sectionText,
        ),
      }),
      Blocks.Section({ text: fitText(`*Why*\n${escapeMrkdwn(request.reason ?? 'no reason given')}`, LIMITS.sectionText) }),
      Blocks.Context().elements(fitText(statusLine(request), LIMITS.sectionText)),
      request.status === 'pending'
        ? Blocks.Actions({ blockId: BLOCKS.approvalActions }).elements(
            Elements.Button({ text: 'Approve', actionId: ACTIONS.approvalApprove, value: request.id }).primary(),
            Elements.Button({ text: 'Reject', actionId: ACTIONS.approvalReject, value: request.id }).danger(),
          )
        : undefined,
    );
  return { text: `Approval request: ${title}`, blocks: message.getBlocks() };
}

/** The DM the requester gets once their request is settled. */
export function approvalOutcomeText(request: ApprovalRequestView): string {
  return `Your request “${request.summary}”: ${statusLine(request)}`;
}
