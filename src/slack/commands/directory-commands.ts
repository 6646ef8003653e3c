/** Read-only subcommands: help, list, show, seats. */

import { fitText, LIMITS } from '../views/block-limits';
import { helpMessage } from '../views/help-message';
import { roleHint, roleLine } from '../views/role-options';
import { seatsMessage } from '../views/seats-message';
import { userCardMessage } from '../views/user-card-message';
import { userListMessage } from '../views/user-list-message';
import type { CommandHandler } from './command-context';
import { helpText } from './help-text';
import type { CommandOf, UsersCommand } from './users-command';

type Of<K extends UsersCommand['kind']> = CommandOf<K>;

export const home: CommandHandler<Of<'home'>> = async (_command, { respond }) => {
  await respond(helpMessage(helpText()));
};

export const help: CommandHandler<Of<'help'>> = async (command, { services, respond }) => {
  if (command.subcommand === 'roles') {
    // The roles an admin can give, with what each is for, beside the usage.
    const roles = await services.roles.catalogRoles();
    const catalog = ['*Roles*, highest precedence first:', ...roles.map(roleLine), roleHint(services.roles.multipleRoles)];
    await respond({ text: `${helpText('roles')}\n\n${fitText(catalog.join('\n'), LIMITS.sectionText)}` });
    return;
  }
  await respond(command.subcommand ? { text: helpText(command.subcommand) } : helpMessage(helpText()));
};

export const list: CommandHandler<Of<'list'>> = async (command, { actor, services, respond }) => {
  const filter = { text: command.text, status: command.status, role: command.role, group: command.group, page: command.page };
  await respond(userListMessage(await services.directory.list(actor, filter), filter));
};

export const show: CommandHandler<Of<'show'>> = async (command, { actor, services, respond }) => {
  await respond(userCardMessage(await services.directory.card(actor, command.who)));
};

export const seats: CommandHandler<Of<'seats'>> = async (_command, { actor, services, respond }) => {
  await respond(seatsMessage(await services.settings.seats(actor)));
};
