/** `/users group list | create | rename | delete | add | remove`. */

import { groupListMessage, groupMembersMessage } from '../views/group-list-message';
import { changeCommand } from './change-command';
import type { CommandHandler } from './command-context';
import type { CommandOf } from './users-command';

type GroupCommand<A extends CommandOf<'group'>['action']> = Extract<CommandOf<'group'>, { action: A }>;
type NamedGroupCommand = GroupCommand<'create' | 'delete'>;

const createGroup: CommandHandler<NamedGroupCommand> = changeCommand(
  (command) => ({ kind: 'group-create', name: command.name }),
  ({ name }) => ({
    text: `:white_check_mark: Created the group ${name}. Add people with \`/users groups <email> +"${name}"\`.`,
  }),
);

const renameGroup: CommandHandler<GroupCommand<'rename'>> = changeCommand(
  (command) => ({ kind: 'group-rename', group: command.name, to: command.newName }),
  ({ from, to }) => ({ text: `:white_check_mark: Renamed ${from} to ${to}.` }),
);

const deleteGroup: CommandHandler<NamedGroupCommand> = changeCommand(
  (command) => ({ kind: 'group-delete', group: command.name }),
  ({ name, members }) => ({
    text: `:white_check_mark: Deleted the group ${name}; its ${members} member${members === 1 ? '' : 's'} stay in the directory.`,
  }),
);

const changeMembers: CommandHandler<GroupCommand<'add' | 'remove'>> = changeCommand(
  (command) => ({
    kind: 'group-members',
    group: command.name,
    add: command.action === 'add' ? command.emails : [],
    remove: command.action === 'remove' ? command.emails : [],
  }),
  groupMembersMessage,
);

export const group: CommandHandler<CommandOf<'group'>> = async (command, context) => {
  switch (command.action) {
    case 'list':
      return context.respond(groupListMessage(await context.services.groups.list(context.actor)));
    case 'create':
      return createGroup(command, context);
    case 'rename':
      return renameGroup(command, context);
    case 'delete':
      return deleteGroup(command, context);
    case 'add':
    case 'remove':
      return changeMembers(command, context);
  }
};
