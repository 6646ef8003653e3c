/** Invite subcommands: invite (text form), resend, invite-link. */

import { asView } from '../block-kit';
import { inviteModal } from '../views/invite-modal';
import { inviteResultMessage, newLinkMessage, resendMessage } from '../views/invite-result-message';
import { changeCommand } from './change-command';
import type { CommandContext, CommandHandler } from './command-context';
import type { CommandOf, UsersCommand } from './users-command';

type Handler<K extends UsersCommand['kind']> = CommandHandler<CommandOf<K>>;

export const invite: Handler<'invite'> = changeCommand(
  (command) => ({
    kind: 'invite',
    emails: command.emails,
    roles: command.roles,
    products: command.products,
    groups: command.groups,
    perms: command.perms,
    note: command.note,
    people: command.people,
    partners: command.partners,
  }),
  inviteResultMessage,
);

export const resend: Handler<'resend'> = changeCommand((command) => ({ kind: 'resend', user: command.who }), resendMessage);

export const inviteLink: Handler<'invite-link'> = changeCommand(
  (command) => ({ kind: 'invite-link', user: command.who }),
  newLinkMessage,
);

/** Opens the invite modal (command without addresses, and the Invite buttons). */
export async function openInviteModal(
  context: Pick<CommandContext, 'actor' | 'services' | 'triggerId'> & { channelId?: string },
) {
  const options = await context.services.invites.formOptions(context.actor);
  await context.services.client.views.open({
    trigger_id: context.triggerId,
    view: asView(inviteModal({ ...options, channelId: context.channelId, multipleRoles: context.services.roles.multipleRoles })),
  });
}

export const inviteModalCommand: Handler<'invite-modal'> = async (_command, context) => {
  await openInviteModal(context);
};
