/**
 * Making a break-glass use loud at once: the change queued its notice with the grant; the listener that
 * took it sends what waits now (the approvals channel, the owner and every Admin but the holder, each with
 * Acknowledge and Revoke). Should that fail, the scheduler's next pass sends it; and it is raised again each
 * day while nobody has reviewed it.
 */
import type { SlackServices } from './services';

export async function alertBreakGlass(services: Pick<SlackServices, 'sendBreakGlassNotices' | 'logger'>): Promise<void> {
  await services.sendBreakGlassNotices().catch((err: unknown) => {
    services.logger.warn({ err }, 'a break-glass notice was not sent now; the next scheduler pass sends it');
  });
}
