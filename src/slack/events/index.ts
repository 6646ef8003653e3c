/** Events: App Home is published when opened, and refreshed after the viewer changes something. */

import type { App } from '@slack/bolt';
import { isRosterError } from '../../errors';
import { servicesIn } from '../account-context';
import { asView } from '../block-kit';
import { ACTIONS } from '../ids';
import type { SlackServices } from '../services';
import { appHomeView, strangerHomeView } from '../views/app-home-view';

/** Publishes the viewer's App Home; failures are logged, never shown (it is a background refresh). */
export async function publishHome(services: SlackServices, slackUserId: string): Promise<void> {
  try {
    let view: object;
    try {
      const viewer = await services.access.actorForSlackUser(slackUserId, 'command');
      view = appHomeView(await services.home.summary(viewer));
    } catch (error) {
      if (!isRosterError(error)) throw error;
      view = strangerHomeView(error.message);
    }
    await services.client.views.publish({ user_id: slackUserId, view: asView(view) });
  } catch (err) {
    services.logger.warn({ err }, 'could not publish App Home');
  }
}

export function registerEvents(app: App): void {
  app.event('app_home_opened', async ({ event, context }) => {
    const services = servicesIn(context);
    if (event.tab !== 'home') return;
    await publishHome(services, event.user);
  });
  app.action(ACTIONS.homeRefresh, async ({ ack, body, context }) => {
    const services = servicesIn(context);
    await ack();
    await publishHome(services, body.user.id);
  });
}
