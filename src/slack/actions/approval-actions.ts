/** Approve / Reject on an approval message: checked first, then the decision modal opens. */

import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { fail } from '../../errors';
import { servicesIn } from '../account-context';
import { asView } from '../block-kit';
import { ACTIONS } from '../ids';
import { respondSafely } from '../respond-safely';
import { approvalModal } from '../views/approval-modal';

const requestId = z.uuid();

export function registerApprovalActions(app: App): void {
  for (const [actionId, approve] of [
    [ACTIONS.approvalApprove, true],
    [ACTIONS.approvalReject, false],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, context }) => {
      await ack();
      const services = servicesIn(context);
      // The click happened in a channel: refusals go to the clicker only.
      const reply = async (message: { text: string }) => {
        await services.client.chat.postEphemeral({
          channel: body.channel?.id ?? body.user.id,
          user: body.user.id,
          text: message.text,
        });
      };
      await respondSafely(services.logger, reply, async () => {
        const id = requestId.safeParse(action.value);
        if (!id.success) throw fail.badInput('That button is out of date; see `/users approvals`.');
        const approver = await services.access.actorForSlackUser(body.user.id, 'approval');
        const request = await services.approvals.prepareDecision(approver, id.data);
        await services.client.views.open({ trigger_id: body.trigger_id, view: asView(approvalModal(request, approve)) });
      });
    });
  }
}
