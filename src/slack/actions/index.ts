/**
 * Button listeners: help shortcuts, list paging and Show, and the user card's actions.
 * Each acknowledges, validates the button's value with zod, calls one service and answers.
 */

import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { requirePermission } from '../../domain/access/actor';
import { asView } from '../block-kit';
import { sendApiKey, sendPasswordLink } from '../commands/credential-commands';
import { openDeleteModal } from '../commands/delete-commands';
import { exportToDm } from '../commands/export-commands';
import { openInviteModal } from '../commands/invite-commands';
import { answerChanged, revokeWithApproval } from '../commands/user-commands';
import { ACTIONS } from '../ids';
import type { Reply } from '../reply';
import { respondSafely } from '../respond-safely';
import type { SlackServices } from '../services';
import { newLinkMessage, resendMessage } from '../views/invite-result-message';
import { passcodeModal } from '../views/passcode-modal';
import { userCardMessage } from '../views/user-card-message';
import { userListMessage } from '../views/user-list-message';
import { openBulkRolesModal, openEditModal, openRolesModal } from '../views/user-modals';
import { parseButtonEmail, parseListFilter } from './action-values';

type ButtonArgs = Parameters<Parameters<App['action']>[1]>[0] & { body: BlockAction; action: ButtonAction };

/** Registers a button listener with the shared acknowledge → actor → work → answer flow. */
export function onButton(
  app: App,
  services: SlackServices,
  actionId: string,
  work: (
    args: ButtonArgs & {
      actor: Awaited<ReturnType<SlackServices['access']['actorForSlackUser']>>;
      reply: (r: Reply, replace?: boolean) => Promise<void>;
    },
  ) => Promise<void>,
): void {
  app.action<BlockAction<ButtonAction>>(actionId, async (args) => {
    await args.ack();
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
      await work({ ...(args as ButtonArgs), actor, reply });
    });
  });
}

export function registerActions(app: App, services: SlackServices): void {
  onButton(app, services, ACTIONS.helpList, async ({ actor, reply }) => {
    requirePermission(actor, 'users:view');
    const filter = { page: 1 };
    await reply(userListMessage(await services.directory.list(filter), filter));
  });

  for (const actionId of [ACTIONS.listPrev, ACTIONS.listNext]) {
    onButton(app, services, actionId, async ({ actor, action, reply }) => {
      requirePermission(actor, 'users:view');
      const filter = parseListFilter(action.value);
      await reply(userListMessage(await services.directory.list(filter), filter), true);
    });
  }

  onButton(app, services, ACTIONS.listShow, async ({ actor, action, reply }) => {
    requirePermission(actor, 'users:view');
    await reply(userCardMessage(await services.directory.card({ email: parseButtonEmail(action.value) })));
  });

  onButton(app, services, ACTIONS.cardResend, async ({ actor, action, reply }) => {
    await reply(resendMessage(await services.invites.resend(actor, { email: parseButtonEmail(action.value) })));
  });

  onButton(app, services, ACTIONS.cardInviteLink, async ({ actor, action, reply }) => {
    await reply(newLinkMessage(await services.invites.newLink(actor, { email: parseButtonEmail(action.value) })));
  });

  onButton(app, services, ACTIONS.cardEdit, async ({ actor, action, body, client }) => {
    await openEditModal(
      { services, client, actor, triggerId: body.trigger_id, channelId: body.channel?.id },
      { email: parseButtonEmail(action.value) },
    );
  });

  onButton(app, services, ACTIONS.cardRoles, async ({ actor, action, body, client }) => {
    await openRolesModal(
      { services, client, actor, triggerId: body.trigger_id, channelId: body.channel?.id },
      { email: parseButtonEmail(action.value) },
    );
  });

  onButton(app, services, ACTIONS.helpBulkRoles, async ({ actor, body, client }) => {
    await openBulkRolesModal({ services, client, actor, triggerId: body.trigger_id, channelId: body.channel?.id });
  });

  onButton(app, services, ACTIONS.cardDisable, async ({ actor, action, reply }) => {
    const user = await services.users.disable(actor, { email: parseButtonEmail(action.value) });
    await answerChanged({ services, respond: reply }, { id: user.id }, `Disabled ${user.email}.`);
  });

  onButton(app, services, ACTIONS.cardEnable, async ({ actor, action, reply }) => {
    const user = await services.users.enable(actor, { email: parseButtonEmail(action.value) });
    await answerChanged({ services, respond: reply }, { id: user.id }, `Enabled ${user.email}.`);
  });

  onButton(app, services, ACTIONS.cardApiKey, async ({ actor, action, reply }) => {
    await sendApiKey({ actor, services, respond: reply }, { email: parseButtonEmail(action.value) });
  });

  onButton(app, services, ACTIONS.cardPasswordLink, async ({ actor, action, reply }) => {
    await sendPasswordLink({ actor, services, respond: reply }, { email: parseButtonEmail(action.value) });
  });

  onButton(app, services, ACTIONS.cardPasscode, async ({ actor, action, body, client }) => {
    requirePermission(actor, 'credentials:manage');
    const user = await services.directory.findUser({ email: parseButtonEmail(action.value) });
    await client.views.open({
      trigger_id: body.trigger_id,
      view: asView(passcodeModal({ userId: user.id, email: user.email, channelId: body.channel?.id })),
    });
  });

  onButton(app, services, ACTIONS.cardDelete, async ({ actor, action, body, client }) => {
    await openDeleteModal({ actor, services, client, triggerId: body.trigger_id, channelId: body.channel?.id }, [
      { email: parseButtonEmail(action.value) },
    ]);
  });

  onButton(app, services, ACTIONS.helpExport, async ({ actor, body, client, reply }) => {
    await exportToDm({ actor, services, client, respond: reply, slackUserId: body.user.id });
  });

  onButton(app, services, ACTIONS.helpInvite, async ({ actor, body, client }) => {
    await openInviteModal({ actor, services, client, triggerId: body.trigger_id, channelId: body.channel?.id });
  });

  onButton(app, services, ACTIONS.noticeReinvite, async ({ actor, action, reply }) => {
    const result = await services.invites.reinvite(actor, { email: parseButtonEmail(action.value) });
    await reply(resendMessage(result));
  });

  onButton(app, services, ACTIONS.cardRevoke, async ({ actor, action, reply }) => {
    await revokeWithApproval({ actor, services, respond: reply }, { email: parseButtonEmail(action.value) });
  });
}
