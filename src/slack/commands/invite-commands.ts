/** Invite subcommands: invite (text form), resend, invite-link. */

import { requirePermission } from '../../domain/access/actor';
import { asView } from '../block-kit';
import { inviteModal } from '../views/invite-modal';
import { inviteResultMessage, newLinkMessage, resendMessage } from '../views/invite-result-message';
import type { CommandContext, CommandHandler } from './command-context';
import type { CommandOf, UsersCommand } from './parse-users-command';

type Of<K extends UsersCommand['kind']> = CommandOf<K>;

export const invite: CommandHandler<Of<'invite'>> = async (command, { actor, services, respond }) => {
  const result = await services.invites.invite(actor, {
    emails: command.emails,
    role: command.role,
    products: command.products,
    groups: command.groups,
    perms: command.perms,
    note: command.note,
  });
  await respond(inviteResultMessage(result));
};

export const resend: CommandHandler<Of<'resend'>> = async (command, { actor, services, respond }) => {
  await respond(resendMessage(await services.invites.resend(actor, command.who)));
};

export const inviteLink: CommandHandler<Of<'invite-link'>> = async (command, { actor, services, respond }) => {
  await respond(newLinkMessage(await services.invites.newLink(actor, command.who)));
};

/** Opens the invite modal (command without addresses, and the Invite buttons). */
export async function openInviteModal(
  context: Pick<CommandContext, 'actor' | 'services' | 'client' | 'triggerId'> & { channelId?: string },
) {
  requirePermission(context.actor, 'users:manage');
  const options = await context.services.invites.formOptions();
  await context.client.views.open({
    trigger_id: context.triggerId,
    view: asView(inviteModal({ ...options, channelId: context.channelId })),
  });
}

export const inviteModalCommand: CommandHandler<Of<'invite-modal'>> = async (_command, context) => {
  await openInviteModal(context);
};
