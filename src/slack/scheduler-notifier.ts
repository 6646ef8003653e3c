/** The scheduler's notifier over Slack: DMs, digests in the notices channel, approval message updates. */

import type { ApprovalBoard, DmRecipient, SchedulerNotifier } from '../domain/ports';
import { asBlocks } from './block-kit';
import type { Reply } from './reply';
import { uploadReviewReport } from './review-files';
import type { SlackApi } from './slack-api';
import type { DirectMessages } from './slack-people';
import { digestMessage } from './views/digest-message';
import { expiredInvitesDm } from './views/expired-invites-dm';
import { breakGlassMessage, grantEndedText, grantEndingMessage } from './views/grant-messages';
import {
  reviewNotStartedText,
  reviewOverdueText,
  reviewPageMessage,
  reviewReportComment,
  scheduledReviewIntro,
} from './views/review-page-message';
import { scimDigestMessage } from './views/scim-digest-message';

export function createSchedulerNotifier(deps: {
  client: SlackApi;
  dm: DirectMessages;
  approvalChannel: ApprovalBoard;
  noticesChannel?: string;
  /** Redraws a Slack user's App Home (after their access changed). */
  refreshHome?: (slackUserId: string) => Promise<void>;
}): SchedulerNotifier {
  async function dm(person: DmRecipient, message: Reply): Promise<boolean> {
    if (person.slackUserId) {
      await deps.dm.toUser(person.slackUserId, message);
      return true;
    }
    return (await deps.dm.toEmail(person.email, message)) === 'sent';
  }
  return {
    dm: (person, text) => dm(person, { text }),
    expiredInvites: (inviter, invites, more) => dm(inviter, expiredInvitesDm(invites, more)),
    async digest(kind, entries) {
      if (!deps.noticesChannel) return false;
      const message = digestMessage(kind, entries);
      await deps.client.chat.postMessage({ channel: deps.noticesChannel, text: message.text, blocks: asBlocks(message.blocks) });
      return true;
    },
    async scimDigest(digest) {
      if (!deps.noticesChannel) return false;
      const message = scimDigestMessage(digest);
      await deps.client.chat.postMessage({ channel: deps.noticesChannel, text: message.text, blocks: asBlocks(message.blocks) });
      return true;
    },
    approvalSettled: (request) => deps.approvalChannel.settle(request),
    grantEnded: (holder, grant) => dm(holder, { text: grantEndedText(grant) }),
    async refreshHome(person) {
      if (person.slackUserId) await deps.refreshHome?.(person.slackUserId);
    },
    grantEnding: (holder, grant) => dm(holder, grantEndingMessage(grant)),
    async breakGlass(grant, admins, why) {
      await deps.approvalChannel.breakGlass(grant, why);
      const message = breakGlassMessage(grant, why);
      for (const admin of admins) await dm(admin, message);
    },
    reviewPage: (reviewer, page, why) => dm(reviewer, reviewPageMessage(page, scheduledReviewIntro(page, why))),
    reviewOverdue: (owner, campaign, late) => dm(owner, { text: reviewOverdueText(campaign, late) }),
    reviewNotStarted: (owner, campaign) => dm(owner, { text: reviewNotStartedText(campaign) }),
    async reviewReport(owner, report) {
      // Files go to a Slack user: one without a remembered link is looked up by their address.
      const slackUserId =
        owner.slackUserId ??
        (await deps.client.users.lookupByEmail({ email: owner.email }).then(
          (found) => found.user?.id,
          () => undefined,
        ));
      if (!slackUserId) return false;
      await uploadReviewReport(deps.client, slackUserId, report, reviewReportComment(report));
      return true;
    },
  };
}
