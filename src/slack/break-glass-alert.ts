/**
 * Making a break-glass use loud: the approvals channel and a DM to the owner and every Admin (but the
 * holder), each with Acknowledge and Revoke. Sent at once by the listener that took it; the scheduler
 * raises it again each day while nobody has reviewed it.
 */
import type { SlackServices } from './services';
import { breakGlassMessage } from './views/grant-messages';

export async function alertBreakGlass(
  services: Pick<SlackServices, 'grants' | 'approvalChannel' | 'dm' | 'logger'>,
  grantId: string,
): Promise<void> {
  const grant = await services.grants.notice(grantId);
  if (!grant) return;
  await services.approvalChannel.breakGlass(grant, 'used');
  const message = breakGlassMessage(grant, 'used');
  for (const admin of await services.grants.breakGlassAudience(grant.holder.email)) {
    try {
      if (admin.slackUserId) await services.dm.toUser(admin.slackUserId, message);
      else await services.dm.toEmail(admin.email, message);
    } catch (err) {
      services.logger.warn({ err, grant: grant.id }, 'could not DM a break-glass notice');
    }
  }
}
