/** What the owner and the approvals channel read once the owner made the first co-approver. */
import type { FirstApproverResult } from '../../domain/changes/first-approver-change';
import type { Reply } from '../reply';

/** The approvals channel's notice: who made whom an approver without an approval, and why that was allowed. */
export function firstApproverAnnouncement(result: FirstApproverResult): Reply {
  return {
    text: `:key: ${result.ownerEmail} (the account owner) made ${result.card.email} an Admin without an approval: the first co-approver, allowed once while nobody else could approve. It is in the audit trail (\`/users audit ${result.card.email}\`).`,
  };
}

/** The owner's answer; `announced` is false when the approvals channel could not be reached. */
export function firstApproverReply(result: FirstApproverResult, announced: boolean): Reply {
  const where = announced
    ? `Announced in <#${result.approvalsChannel}>.`
    : `The approvals channel <#${result.approvalsChannel}> could not be reached, so it was not announced there; it is in the audit trail.`;
  const still =
    result.approvers < result.needed
      ? ` The approval policy needs ${result.needed} approvers besides you; you may make ${result.needed - result.approvers} more this way.`
      : ' From now on, changes that need approval wait for them.';
  return { text: `:white_check_mark: ${result.card.email} is now an Admin and may approve.${still} ${where}` };
}
