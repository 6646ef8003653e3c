/**
 * The approval board in Slack: posting approval requests to the approvals channel and keeping their
 * message and the requester up to date. A failed Slack call is logged and never undoes a decision.
 */

import type { Logger } from 'pino';
import type { ApprovalBoard } from '../domain/ports';
import { asBlocks } from './block-kit';
import type { SlackApi } from './slack-api';
import type { DirectMessages } from './slack-people';
import { approvalMessage, approvalOutcomeText } from './views/approval-message';
import { breakGlassMessage } from './views/grant-messages';

/** The `ApprovalBoard` port under its Slack name (the listeners' services name it from this file). */

/** The approval board as the approvals channel: posts there, updates the message, DMs the requester once settled. */
export function createApprovalChannel(deps: {
  client: SlackApi;
  channel?: string;
  dm: DirectMessages;
  logger: Logger;
}): ApprovalBoard {
  const { client, logger } = deps;
  return {
    async post(request) {
      if (!deps.channel) return null;
      try {
        const message = approvalMessage(request);
        const posted = await client.chat.postMessage({
          channel: deps.channel,
          text: message.text,
          blocks: asBlocks(message.blocks),
        });
        return posted.ts ? { channel: posted.channel ?? deps.channel, ts: posted.ts } : null;
      } catch (err) {
        logger.warn({ err, request: request.id }, 'could not post an approval request');
        return null;
      }
    },
    async breakGlass(grant, why) {
      if (!deps.channel) return false;
      const message = breakGlassMessage(grant, why);
      return client.chat.postMessage({ channel: deps.channel, text: message.text, blocks: asBlocks(message.blocks) }).then(
        () => true,
        (err: unknown) => {
          logger.warn({ err, grant: grant.id }, 'could not post a break-glass notice');
          return false;
        },
      );
    },
    async settle(request) {
      if (request.channelId && request.messageTs) {
        const message = approvalMessage(request);
        await client.chat
          .update({ channel: request.channelId, ts: request.messageTs, text: message.text, blocks: asBlocks(message.blocks) })
          .catch((err: unknown) => logger.warn({ err, request: request.id }, 'could not update an approval message'));
      }
      if (request.status !== 'pending' && request.requesterSlackId) {
        await deps.dm
          .toUser(request.requesterSlackId, { text: approvalOutcomeText(request) })
          .catch((err: unknown) => logger.warn({ err, request: request.id }, 'could not tell the requester'));
      }
    },
  };
}
