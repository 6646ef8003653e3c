/**
 * Button listeners: help shortcuts, list paging and Show, and the user card's actions.
 * Each acknowledges, validates the button's value with zod, calls one service and answers.
 */

import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { servicesIn } from '../account-context';
import { asView } from '../block-kit';
import { sendApiKey, sendPasswordLink } from '../commands/credential-commands';
import { openDeleteModal } from '../commands/delete-commands';
import { exportToDm } from '../commands/export-commands';
import { openInviteModal } from '../commands/invite-commands';
import { publishHome } from '../events';
import { ACTIONS } from '../ids';
import type { Reply } from '../reply';
import { respondSafely } from '../respond-safely';
import type { SlackServices } from '../services';
import { submitChange } from '../submit-change';
import { changedCard, revokedCard } from '../views/change-replies';
import { INHERITED_KEY_REVOKE } from '../views/inherited-keys-message';
import { newLinkMessage, resendMessage } from '../views/invite-result-message';
import { passcodeModal } from '../views/passcode-modal';
import { userCardMessage } from '../views/user-card-message';
import { userListMessage } from '../views/user-list-message';
import { openBulkRolesModal, openEditModal, openRolesModal } from '../views/user-modals';
import { parseButtonEmail, parseListFilter } from './action-values';
import { registerCardDetails } from './card-detail-actions';
import { registerGrantActions } from './grant-actions';
import { revokeInheritedKey } from './inherited-key-actions';
import { registerReviewActions } from './review-actions';

type ButtonArgs = Parameters<Parameters<App['action']>[1]>[0] & { body: BlockAction; action: ButtonAction };

/** Registers a button listener with the shared acknowledge → actor → work → answer flow. */
export function onButton(
  app: App,
  actionId: string,
  work: (
    args: ButtonArgs & {
      services: SlackServices;
      actor: Awaited<ReturnType<SlackServices['access']['actorForSlackUser']>>;
      reply: (r: Reply, replace?: boolean) => Promise<void>;
    },
  ) => Promise<void>,
): void {
  app.action<BlockAction<ButtonAction>>(actionId, async (args) => {
    await args.ack();
    const services = servicesIn(args.context);
    // Buttons on messages answer in place; buttons in App Home have no response_url, so they answer by DM.
    const reply = async (message: Reply, replace = false) => {
      if (!args.body.response_url) {
        await services.dm.toUser(args.body.user.id, message);
        return;
      }
      await args.respond({ response_type: 'ephemeral', replace_original: replace, ...message } as Parameters<
        typeof args.respond
      >[0]);
    };
    await respondSafely(services.logger, reply, async () => {
      const actor = await services.access.actorForSlackUser(args.body.user.id, 'command');
      await work({ ...(args as ButtonArgs), services, actor, reply });
    });
  });
}

export function registerActions(app: App): void {
  onButton(app, INHERITED_KEY_REVOKE, revokeInheritedKey);
  registerCardDetails(app);
  registerReviewActions(app);
  registerGrantActions(app);

  onButton(app, ACTIONS.helpList, async ({ services, actor, reply }) => {
    const filter = { page: 1 };
    await reply(userListMessage(await services.directory.list(actor, filter), filter));
  });

  for (const actionId of [ACTIONS.listPrev, ACTIONS.listNext]) {
    onButton(app, actionId, async ({ services, actor, action, reply }) => {
      const filter = parseListFilter(action.value);
      await reply(userListMessage(await services.directory.list(actor, filter), filter), true);
    });
  }

  onButton(app, ACTIONS.listShow, async ({ services, actor, action, reply }) => {
    await reply(userCardMessage(await services.directory.card(actor, { email: parseButtonEmail(action.value) })));
  });

  onButton(app, ACTIONS.cardResend, async ({ services, actor, action, reply }) => {
    const change = { kind: 'resend' as const, user: { email: parseButtonEmail(action.value) } };
    await reply(await submitChange(services, actor, change, resendMessage));
  });

  onButton(app, ACTIONS.cardInviteLink, async ({ services, actor, action, reply }) => {
    const change = { kind: 'invite-link' as const, user: { email: parseButtonEmail(action.value) } };
    await reply(await submitChange(services, actor, change, newLinkMessage));
  });

  onButton(app, ACTIONS.cardEdit, async ({ services, actor, action, body }) => {
    await openEditModal(
      { services, actor, triggerId: body.trigger_id, channelId: body.channel?.id },
      { email: parseButtonEmail(action.value) },
    );
  });

  onButton(app, ACTIONS.cardRoles, async ({ services, actor, action, body }) => {
    await openRolesModal(
      { services, actor, triggerId: body.trigger_id, channelId: body.channel?.id },
      { email: parseButtonEmail(action.value) },
    );
  });

  onButton(app, ACTIONS.helpBulkRoles, async ({ services, actor, body }) => {
    await openBulkRolesModal({ services, actor, triggerId: body.trigger_id, channelId: body.channel?.id });
  });

  onButton(app, ACTIONS.cardDisable, async ({ services, actor, action, reply }) => {
    const change = { kind: 'disable' as const, user: { email: parseButtonEmail(action.value) } };
    await reply(
      await submitChange(
        services,
        actor,
        change,
        changedCard((card) => `Disabled ${card.email}.`),
      ),
    );
  });

  onButton(app, ACTIONS.cardEnable, async ({ services, actor, action, reply }) => {
    const change = { kind: 'enable' as const, user: { email: parseButtonEmail(action.value) } };
    await reply(
      await submitChange(
        services,
        actor,
        change,
        changedCard((card) => `Enabled ${card.email}.`),
      ),
    );
  });

  onButton(app, ACTIONS.cardApiKey, async ({ services, actor, action, reply }) => {
    await reply(await sendApiKey(services, actor, { email: parseButtonEmail(action.value) }));
  });

  onButton(app, ACTIONS.cardPasswordLink, async ({ services, actor, action, reply }) => {
    await reply(await sendPasswordLink(services, actor, { email: parseButtonEmail(action.value) }));
  });

  onButton(app, ACTIONS.cardClearLockout, async ({ services, actor, action, reply }) => {
    const { email } = await services.signIn.clearLockout(actor, parseButtonEmail(action.value));
    const card = await services.directory.card(actor, { email });
    await reply(changedCard((c) => `Cleared the sign-in lockout of ${c.email}.`)(card));
  });

  onButton(app, ACTIONS.cardPasscode, async ({ services, actor, action, body }) => {
    const user = await services.directory.userFor(actor, 'credentials:manage', { email: parseButtonEmail(action.value) });
    await services.client.views.open({
      trigger_id: body.trigger_id,
      view: asView(
        passcodeModal({ userId: user.id, email: user.email, channelId: body.channel?.id }, services.passcodeNeedsApproval),
      ),
    });
  });

  onButton(app, ACTIONS.cardDelete, async ({ services, actor, action, body }) => {
    await openDeleteModal({ actor, services, triggerId: body.trigger_id, channelId: body.channel?.id }, [
      { email: parseButtonEmail(action.value) },
    ]);
  });

  onButton(app, ACTIONS.helpExport, async ({ services, actor, body, reply }) => {
    await exportToDm({ actor, services, respond: reply, slackUserId: body.user.id });
  });

  onButton(app, ACTIONS.helpInvite, async ({ services, actor, body }) => {
    await openInviteModal({ actor, services, triggerId: body.trigger_id, channelId: body.channel?.id });
  });

  // Re-invite from the expiry digest and from App Home; App Home is published again so the row goes.
  for (const actionId of [ACTIONS.noticeReinvite, ACTIONS.homeReinvite]) {
    onButton(app, actionId, async ({ services, actor, action, body, reply }) => {
      const change = { kind: 'reinvite' as const, user: { email: parseButtonEmail(action.value) } };
      await reply(await submitChange(services, actor, change, resendMessage));
      if (actionId === ACTIONS.homeReinvite) await publishHome(services, body.user.id);
    });
  }

  onButton(app, ACTIONS.cardRevoke, async ({ services, actor, action, reply }) => {
    const change = { kind: 'revoke' as const, user: { email: parseButtonEmail(action.value) } };
    await reply(await submitChange(services, actor, change, revokedCard));
  });
}
