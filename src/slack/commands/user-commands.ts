/** Subcommands that change one user: edit, roles, perms, groups, props, disable, enable, revoke, owner. */
import { submitChange } from '../submit-change';
import { changedCard, revokedCard } from '../views/change-replies';
import { editedText } from '../views/edit-reply';
import { openBulkRolesModal, openEditModal, openRolesModal } from '../views/user-modals';
import { changeCommand } from './change-command';
import type { CommandHandler } from './command-context';
import type { CommandOf, UsersCommand } from './users-command';

type Handler<K extends UsersCommand['kind']> = CommandHandler<CommandOf<K>>;

function list(items: string[]): string {
  return items.map((item) => `\`${item}\``).join(', ');
}

const submitEdit: Handler<'edit'> = changeCommand(
  (command) => ({ kind: 'edit', user: command.who, name: command.name, email: command.email }),
  changedCard(editedText),
);

/** Without `--name` or `--email`, opens the edit form. */
export const edit: Handler<'edit'> = (command, context) =>
  command.name === undefined && command.email === undefined ? openEditModal(context, command.who) : submitEdit(command, context);

const submitRoles: Handler<'roles'> = changeCommand(
  (command) => ({ kind: 'change-roles', user: command.who, add: command.add, remove: command.remove }),
  changedCard((card) => `Roles of ${card.email} changed.`),
);

/** Without `+role` or `-role`, opens the roles form. */
export const roles: Handler<'roles'> = (command, context) =>
  command.add.length + command.remove.length === 0 ? openRolesModal(context, command.who) : submitRoles(command, context);

export const bulkRoles: Handler<'bulk-roles'> = async (command, context) => {
  await openBulkRolesModal(context, { filter: command.filter, assign: command.add, unassign: command.remove });
};

export const perms: Handler<'perms'> = changeCommand(
  (command) => ({ kind: 'perms', user: command.who, add: command.add, remove: command.remove }),
  changedCard((card) => `Extra permissions of ${card.email}: ${list(card.extraPermissions) || 'none'}.`),
);

export const groups: Handler<'groups'> = changeCommand(
  (command) => ({ kind: 'groups', user: command.who, add: command.add, remove: command.remove }),
  changedCard((card) => `Groups of ${card.email} changed.`),
);

export const props: Handler<'props'> = changeCommand(
  (command) => ({ kind: 'props', user: command.who, set: command.set, remove: command.remove }),
  changedCard((card) => `Properties of ${card.email} changed.`),
);

export const disable: Handler<'disable'> = changeCommand(
  (command) => ({ kind: 'disable', user: command.who }),
  changedCard((card) => `Disabled ${card.email}: their credentials are kept but refused until you enable them.`),
);

export const enable: Handler<'enable'> = changeCommand(
  (command) => ({ kind: 'enable', user: command.who }),
  changedCard((card) => `Enabled ${card.email}.`),
);

export const revoke: Handler<'revoke'> = changeCommand((command) => ({ kind: 'revoke', user: command.who }), revokedCard);

const ownsNow = changedCard((card) => `${card.email} now owns the account.`);

/** The owner hands ownership on; anyone else asks to recover it (the domain decides which: `ownership.changeFor`). */
export const owner: Handler<'owner'> = async (command, { services, actor, respond }) => {
  const change = await services.ownership.changeFor(actor, command.who);
  await respond(
    change.kind === 'owner'
      ? await submitChange(services, actor, change, ownsNow)
      : await submitChange(services, actor, change, (recovery) => ownsNow(recovery.card)),
  );
};
