/**
 * The decision modal's submission: a Reject without a reason is refused on the field; otherwise
 * the modal closes at once and the decision (and, when approved, the change) runs after.
 */

import type { App } from '@slack/bolt';
import { z } from 'zod';
import { isRosterError } from '../../errors';
import { servicesIn } from '../account-context';
import { BLOCKS, VIEWS } from '../ids';
import { errorText } from '../render-error';
import { safeJson } from '../safe-json';

const metadataSchema = z.object({ id: z.uuid(), approve: z.boolean() });

export function registerApprovalViews(app: App): void {
  app.view(VIEWS.approvalDecision, async ({ ack, view, body, context }) => {
    const services = servicesIn(context);
    const metadata = metadataSchema.safeParse(safeJson(view.private_metadata));
    const reason = view.state.values[BLOCKS.approvalReason]?.[BLOCKS.approvalReason]?.value?.trim() ?? '';
    if (!metadata.success) {
      await ack({
        response_action: 'errors',
        errors: { [BLOCKS.approvalReason]: 'This form is out of date; open the request again.' },
      });
      return;
    }
    if (!metadata.data.approve && reason.length === 0) {
      await ack({
        response_action: 'errors',
        errors: { [BLOCKS.approvalReason]: 'Say why you reject it; the requester will read it.' },
      });
      return;
    }
    await ack();
    const slackUserId = body.user.id;
    try {
      const approver = await services.access.actorForSlackUser(slackUserId, 'approval');
      const result = await services.changes.decide(approver, metadata.data.id, { approve: metadata.data.approve, reason });
      await services.approvalChannel.settle(result.request);
    } catch (error) {
      const text = isRosterError(error)
        ? errorText(error)
        : ':x: Recording your decision failed; try again from `/users approvals`.';
      if (!isRosterError(error)) services.logger.error({ err: error }, 'approval decision failed');
      await services.dm
        .toUser(slackUserId, { text })
        .catch((err: unknown) => services.logger.warn({ err }, 'could not tell the approver'));
    }
  });
}
