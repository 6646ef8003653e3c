/**
 * Sensitive changes from Slack go through here: when the policy says so, the change is checked,
 * stored as a request and posted for approval; otherwise it runs at once.
 */

import type { ApprovalAction } from '../../domain/roles/catalog';
import type { Prisma } from '../../store/generated/client';
import type { CommandContext } from './command-context';

/** Runs `now()` unless `action` needs approval; then asks for it and tells the requester for whom it waits. */
export async function runOrRequestApproval(
  context: Pick<CommandContext, 'actor' | 'services' | 'respond'>,
  request: { action: ApprovalAction; input: Prisma.InputJsonValue; reason?: string | null },
  now: () => Promise<void>,
): Promise<void> {
  const { services, actor, respond } = context;
  if (!services.approvals.required(request.action)) {
    await now();
    return;
  }
  const { request: stored, approvers } = await services.approvals.request(
    actor,
    request.action,
    request.input,
    request.reason ?? null,
  );
  const posted = await services.approvalChannel.post(stored);
  if (posted) await services.approvals.attachMessage(stored.id, posted.channel, posted.ts);
  const names = approvers.map((a) => (a.slackUserId ? `<@${a.slackUserId}>` : a.email)).join(', ');
  const where = posted
    ? `in <#${posted.channel}>`
    : '(the approvals channel could not be reached; approvers can use `/users approvals`)';
  await respond({
    text: `:hourglass: This needs approval: “${stored.summary}”. The request is posted ${where} and waits for ${
      stored.requiredApprovals === 1 ? 'one of' : `${stored.requiredApprovals} of`
    } ${names}. You will get a DM when it is decided.`,
  });
}
