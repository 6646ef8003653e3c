/** Deciding approval requests in end-to-end tests, as an approver does in Slack. */
import type { Harness } from './roster-harness';

export const APPROVALS_CHANNEL = 'C0APPROVALS';

/** The request id carried by the Approve button of the latest approval message in `channel`. */
export function latestRequestButton(h: Harness, channel = APPROVALS_CHANNEL): string {
  const post = h.fake
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === channel)
    .at(-1);
  const blocks = post?.args.blocks as { elements?: { action_id: string; value: string }[] }[];
  const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'approval.approve');
  if (!button) throw new Error('no approval message');
  return button.value;
}

/** Submits the decision modal of request `id` as `slackUserId`. */
export function decide(h: Harness, slackUserId: string, id: string, approve: boolean, reason = '') {
  return h.slack.viewSubmission(slackUserId, {
    callbackId: 'approval.modal',
    privateMetadata: JSON.stringify({ id, approve }),
    values: { 'approval.reason': { 'approval.reason': { type: 'plain_text_input', value: reason } } },
  });
}
