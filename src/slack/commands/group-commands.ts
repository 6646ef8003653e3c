/** `/users group list | create | rename | delete`. */

import { groupListMessage } from '../views/group-list-message';
import type { CommandHandler } from './command-context';
import type { CommandOf } from './parse-users-command';

export const group: CommandHandler<CommandOf<'group'>> = async (command, { actor, services, respond }) => {
  switch (command.action) {
    case 'list':
      await respond(groupListMessage(await services.groups.list(actor)));
      return;
    case 'create':
      await services.groups.create(actor, command.name);
      await respond({
        text: `:white_check_mark: Created the group ${command.name}. Add people with \`/users groups <email> +"${command.name}"\`.`,
      });
      return;
    case 'rename':
      await services.groups.rename(actor, command.name, command.newName);
      await respond({ text: `:white_check_mark: Renamed ${command.name} to ${command.newName}.` });
      return;
    case 'delete': {
      const members = await services.groups.remove(actor, command.name);
      await respond({
        text: `:white_check_mark: Deleted the group ${command.name}; its ${members} member${members === 1 ? '' : 's'} stay in the directory.`,
      });
      return;
    }
  }
};
