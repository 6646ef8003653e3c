/** `/users group list | create | rename | delete`. */

import { submitChange } from '../submit-change';
import { groupListMessage } from '../views/group-list-message';
import type { CommandHandler } from './command-context';
import type { CommandOf } from './parse-users-command';

export const group: CommandHandler<CommandOf<'group'>> = async (command, { actor, services, respond }) => {
  switch (command.action) {
    case 'list':
      await respond(groupListMessage(await services.groups.list(actor)));
      return;
    case 'create':
      await respond(
        await submitChange(services, actor, { kind: 'group-create', name: command.name }, ({ name }) => ({
          text: `:white_check_mark: Created the group ${name}. Add people with \`/users groups <email> +"${name}"\`.`,
        })),
      );
      return;
    case 'rename':
      await respond(
        await submitChange(
          services,
          actor,
          { kind: 'group-rename', group: command.name, to: command.newName },
          ({ from, to }) => ({ text: `:white_check_mark: Renamed ${from} to ${to}.` }),
        ),
      );
      return;
    case 'delete':
      await respond(
        await submitChange(services, actor, { kind: 'group-delete', group: command.name }, ({ name, members }) => ({
          text: `:white_check_mark: Deleted the group ${name}; its ${members} member${members === 1 ? '' : 's'} stay in the directory.`,
        })),
      );
      return;
  }
};
