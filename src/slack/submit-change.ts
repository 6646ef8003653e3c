/**
 * The Slack side of `changes.submit`: submit the change for the person who asked and turn the
 * outcome into what they read — the rendered result, or, when it waits for approval, the request
 * posted to the approvals channel and a sentence saying for whom it waits.
 */
import type { Actor } from '../domain/access/actor';
import type { ChangeResult } from '../domain/changes/change-handlers';
import type { ChangeService, Submission } from '../domain/changes/change-service';
import type { ChangeKind, ChangeOf } from '../domain/changes/directory-change';
import type { ApprovalBoard } from '../domain/ports';
import type { Reply } from './reply';
import type { SlackServices } from './services';

/** Posts a stored request to the approvals channel and says where it waits. */
export async function announceRequest(
  services: Pick<SlackServices, 'approvals'> & { approvalChannel: ApprovalBoard },
  submission: Extract<Submission<unknown>, { status: 'awaiting' }>,
): Promise<Reply> {
  const { request, approvers } = submission;
  const posted = await services.approvalChannel.post(request);
  if (posted) await services.approvals.attachMessage(request.id, posted.channel, posted.ts);
  const names = approvers.map((a) => (a.slackUserId ? `<@${a.slackUserId}>` : a.email)).join(', ');
  const where = posted
    ? `in <#${posted.channel}>`
    : '(the approvals channel could not be reached; approvers can use `/users approvals`)';
  return {
    text: `:hourglass: This needs approval: “${request.summary}”. The request is posted ${where} and waits for ${
      request.requiredApprovals === 1 ? 'one of' : `${request.requiredApprovals} of`
    } ${names}. You will get a DM when it is decided.`,
  };
}

/** Submits `change` as `actor` and renders the result with `render`, or announces the approval request. */
export async function submitChange<K extends ChangeKind>(
  services: Pick<SlackServices, 'approvals' | 'approvalChannel'> & { changes: ChangeService },
  actor: Actor,
  change: ChangeOf<K>,
  render: (result: ChangeResult<K>) => Reply | Promise<Reply>,
  options: { reason?: string | null } = {},
): Promise<Reply> {
  const submission = await services.changes.submit(actor, change, options);
  if (submission.status === 'done') return render(submission.result);
  return announceRequest(services, submission);
}
