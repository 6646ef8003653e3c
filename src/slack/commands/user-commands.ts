/** Subcommands that change one user: edit, roles, perms, groups, props, disable, enable, revoke, owner. */
import type { EditResult } from '../../domain/changes/user-changes';
import { submitChange } from '../submit-change';
import { changedCard, revokedCard } from '../views/change-replies';
import { reissuedLinkText } from '../views/invite-result-message';
import { openBulkRolesModal, openEditModal, openRolesModal } from '../views/user-modals';
import type { CommandHandler } from './command-context';
import type { CommandOf } from './parse-users-command';

function list(items: string[]): string {
  return items.map((item) => `\`${item}\``).join(', ');
}

export const edit: CommandHandler<CommandOf<'edit'>> = async (command, context) => {
  if (command.name === undefined && command.email === undefined) {
    await openEditModal(context, command.who);
    return;
  }
  const change = { kind: 'edit' as const, user: command.who, name: command.name, email: command.email };
  await context.respond(
    await submitChange(
      context.services,
      context.actor,
      change,
      changedCard(
        (card: EditResult) => `Updated ${card.email}.${card.reissued ? ` ${reissuedLinkText(card.email, card.reissued)}` : ''}`,
      ),
    ),
  );
};

export const roles: CommandHandler<CommandOf<'roles'>> = async (command, context) => {
  if (command.add.length + command.remove.length === 0) {
    await openRolesModal(context, command.who);
    return;
  }
  const change = { kind: 'change-roles' as const, user: command.who, add: command.add, remove: command.remove };
  await context.respond(
    await submitChange(
      context.services,
      context.actor,
      change,
      changedCard((card) => `Roles of ${card.email} changed.`),
    ),
  );
};

export const bulkRoles: CommandHandler<CommandOf<'bulk-roles'>> = async (command, context) => {
  await openBulkRolesModal(context, { filter: command.filter, assign: command.add, unassign: command.remove });
};

export const perms: CommandHandler<CommandOf<'perms'>> = async (command, context) => {
  const change = { kind: 'perms' as const, user: command.who, add: command.add, remove: command.remove };
  await context.respond(
    await submitChange(
      context.services,
      context.actor,
      change,
      changedCard((card) => `Extra permissions of ${card.email}: ${list(card.extraPermissions) || 'none'}.`),
    ),
  );
};

export const groups: CommandHandler<CommandOf<'groups'>> = async (command, context) => {
  const change = { kind: 'groups' as const, user: command.who, add: command.add, remove: command.remove };
  await context.respond(
    await submitChange(
      context.services,
      context.actor,
      change,
      changedCard((card) => `Groups of ${card.email} changed.`),
    ),
  );
};

export const props: CommandHandler<CommandOf<'props'>> = async (command, context) => {
  const change = { kind: 'props' as const, user: command.who, set: command.set, remove: command.remove };
  await context.respond(
    await submitChange(
      context.services,
      context.actor,
      change,
      changedCard((card) => `Properties of ${card.email} changed.`),
    ),
  );
};

export const disable: CommandHandler<CommandOf<'disable'>> = async (command, context) => {
  await context.respond(
    await submitChange(
      context.services,
      context.actor,
      { kind: 'disable', user: command.who },
      changedCard((card) => `Disabled ${card.email}: their credentials are kept but refused until you enable them.`),
    ),
  );
};

export const enable: CommandHandler<CommandOf<'enable'>> = async (command, context) => {
  await context.respond(
    await submitChange(
      context.services,
      context.actor,
      { kind: 'enable', user: command.who },
      changedCard((card) => `Enabled ${card.email}.`),
    ),
  );
};

export const revoke: CommandHandler<CommandOf<'revoke'>> = async (command, context) => {
  await context.respond(await submitChange(context.services, context.actor, { kind: 'revoke', user: command.who }, revokedCard));
};

/** The owner hands ownership on; anyone else asks to recover it from an owner who is gone (a second Admin approves). */
export const owner: CommandHandler<CommandOf<'owner'>> = async (command, context) => {
  const { services, actor } = context;
  if (await services.ownership.owns(actor)) {
    await context.respond(
      await submitChange(
        services,
        actor,
        { kind: 'owner', user: command.who },
        changedCard((card) => `${card.email} now owns the account.`),
      ),
    );
    return;
  }
  await services.ownership.refreshOwnerPresence(actor);
  await context.respond(
    await submitChange(services, actor, { kind: 'recover-owner', user: command.who }, (recovery) =>
      changedCard(() => `${recovery.card.email} now owns the account.`)(recovery.card),
    ),
  );
};
