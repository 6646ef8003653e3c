/** Invite subcommands: invite (text form), resend, invite-link. */

import { inviteResultMessage, newLinkMessage, resendMessage } from '../views/invite-result-message';
import type { CommandHandler } from './command-context';
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
