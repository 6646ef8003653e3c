/** The scheduler's notifier over Slack: DMs, digests in the notices channel, approval message updates. */

import type { WebClient } from '@slack/web-api';
import type { SchedulerNotifier } from '../scheduler/send-notices';
import type { ApprovalChannel } from './approval-channel';
import { asBlocks } from './block-kit';
import type { DirectMessages } from './slack-people';
import { digestMessage } from './views/digest-message';

export function createSchedulerNotifier(deps: {
  client: WebClient;
  dm: DirectMessages;
  approvalChannel: ApprovalChannel;
  noticesChannel?: string;
}): SchedulerNotifier {
  return {
    async dm(person, text) {
      if (person.slackUserId) {
        await deps.dm.toUser(person.slackUserId, { text });
        return true;
      }
      return (await deps.dm.toEmail(person.email, { text })) === 'sent';
    },
    async digest(kind, entries) {
      if (!deps.noticesChannel) return false;
      const message = digestMessage(kind, entries);
      await deps.client.chat.postMessage({ channel: deps.noticesChannel, text: message.text, blocks: asBlocks(message.blocks) });
      return true;
    },
    approvalSettled: (request) => deps.approvalChannel.settle(request),
  };
}
