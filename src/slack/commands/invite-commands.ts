/** Invite subcommands: invite (text form), resend, invite-link. */

import { asView } from '../block-kit';
import { submitChange } from '../submit-change';
import { inviteModal } from '../views/invite-modal';
import { inviteResultMessage, newLinkMessage, resendMessage } from '../views/invite-result-message';
import type { CommandContext, CommandHandler } from './command-context';
import type { CommandOf, UsersCommand } from './parse-users-command';

type Of<K extends UsersCommand['kind']> = CommandOf<K>;

export const invite: CommandHandler<Of<'invite'>> = async (command, { actor, services, respond }) => {
  const change = {
    kind: 'invite' as const,
    emails: command.emails,
    roles: command.roles,
    products: command.products,
    groups: command.groups,
    perms: command.perms,
    note: command.note,
    people: command.people,
    partners: command.partners,
  };
  await respond(await submitChange(services, actor, change, inviteResultMessage));
};

export const resend: CommandHandler<Of<'resend'>> = async (command, { actor, services, respond }) => {
  await respond(await submitChange(services, actor, { kind: 'resend', user: command.who }, resendMessage));
};

export const inviteLink: CommandHandler<Of<'invite-link'>> = async (command, { actor, services, respond }) => {
  await respond(await submitChange(services, actor, { kind: 'invite-link', user: command.who }, newLinkMessage));
};

/** Opens the invite modal (command without addresses, and the Invite buttons). */
export async function openInviteModal(
  context: Pick<CommandContext, 'actor' | 'services' | 'client' | 'triggerId'> & { channelId?: string },
) {
  const options = await context.services.invites.formOptions(context.actor);
  await context.client.views.open({
    trigger_id: context.triggerId,
    view: asView(inviteModal({ ...options, channelId: context.channelId, multipleRoles: context.services.roles.multipleRoles })),
  });
}

export const inviteModalCommand: CommandHandler<Of<'invite-modal'>> = async (_command, context) => {
  await openInviteModal(context);
};
