/** The modal an approver confirms a decision in; Reject requires a reason. */
import { Blocks, Elements, Modal } from 'slack-block-builder';
import type { ApprovalRequestView } from '../../domain/approvals/approval-service';
import { formatWhen } from '../../domain/format-when';
import { BLOCKS, VIEWS } from '../ids';
import { fitText, LIMITS } from './block-limits';
import { escapeMrkdwn } from './format';

export interface DecisionMetadata {
  id: string;
  approve: boolean;
  channelId?: string;
  messageTs?: string;
}

export function approvalModal(request: ApprovalRequestView, approve: boolean) {
  const metadata: DecisionMetadata = { id: request.id, approve };
  return Modal({
    title: approve ? 'Approve change' : 'Reject change',
    callbackId: VIEWS.approvalDecision,
    submit: approve ? 'Approve' : 'Reject',
    close: 'Cancel',
    privateMetaData: JSON.stringify(metadata),
  })
    .blocks(
      Blocks.Section({ text: fitText(`*What changes*\n${escapeMrkdwn(request.summary)}`, LIMITS.sectionText) }),
      Blocks.Section({
        text: fitText(
          `*Requested by* ${request.requesterEmail} at ${formatWhen(request.createdAt)}\n*Why* ${escapeMrkdwn(request.reason ?? 'no reason given')}`,
          LIMITS.sectionText,
        ),
      }),
      Blocks.Input({ label: approve ? 'Note' : 'Why do you reject it?', blockId: BLOCKS.approvalReason })
        .optional(approve)
        .element(Elements.TextInput({ actionId: BLOCKS.approvalReason, maxLength: 500 }).multiline()),
      approve
        ? Blocks.Context().elements('The change runs as the requester, checked against the directory as it is now.')
        : undefined,
    )
    .buildToObject();
}
