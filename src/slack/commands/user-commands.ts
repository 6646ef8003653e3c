/** Subcommands that change one user: edit, roles, perms, groups, props, disable, enable, revoke, owner. */
import type { UserRef } from '../../domain/directory/directory-service';
import { userCardMessage } from '../views/user-card-message';
import { openBulkRolesModal, openEditModal, openRolesModal } from '../views/user-modals';
import { runOrRequestApproval } from './approval-gate';
import type { CommandContext, CommandHandler } from './command-context';
import type { CommandOf } from './parse-users-command';

/** Answers with what changed, then the user's card as it is now. */
export async function answerChanged(
  context: Pick<CommandContext, 'services' | 'respond'>,
  who: UserRef,
  sentence: string,
): Promise<void> {
  await context.respond(userCardMessage(await context.services.directory.card(who), `:white_check_mark: ${sentence}`));
}

function list(items: string[]): string {
  return items.map((item) => `\`${item}\``).join(', ');
}

export const edit: CommandHandler<CommandOf<'edit'>> = async (command, context) => {
  if (command.name === undefined && command.email === undefined) {
    await openEditModal(context, command.who);
    return;
  }
  const user = await context.services.users.edit(context.actor, command.who, { name: command.name, email: command.email });
  await answerChanged(context, { email: user.email }, `Updated ${user.email}.`);
};

export const roles: CommandHandler<CommandOf<'roles'>> = async (command, context) => {
  if (command.add.length + command.remove.length === 0) {
    await openRolesModal(context, command.who);
    return;
  }
  const { services, actor } = context;
  const changes = { add: command.add, remove: command.remove };
  const run = async () => {
    const user = await services.roles.changeRoles(actor, command.who, changes);
    await answerChanged(context, { email: user.email }, `Roles of ${user.email} changed.`);
  };
  if (!services.roles.addsAdmin(changes)) return run();
  const target = await services.directory.findUser(command.who);
  await runOrRequestApproval(context, { action: 'grant-admin', input: { email: target.email, ...changes } }, run);
};

export const bulkRoles: CommandHandler<CommandOf<'bulk-roles'>> = async (_command, context) => {
  await openBulkRolesModal(context);
};

export const perms: CommandHandler<CommandOf<'perms'>> = async (command, context) => {
  const user = await context.services.roles.changePerms(context.actor, command.who, { add: command.add, remove: command.remove });
  await answerChanged(
    context,
    { email: user.email },
    `Extra permissions of ${user.email}: ${list(user.extraPermissions) || 'none'}.`,
  );
};

export const groups: CommandHandler<CommandOf<'groups'>> = async (command, context) => {
  const user = await context.services.users.changeGroups(context.actor, command.who, {
    add: command.add,
    remove: command.remove,
  });
  await answerChanged(context, { email: user.email }, `Groups of ${user.email} changed.`);
};

export const props: CommandHandler<CommandOf<'props'>> = async (command, context) => {
  const user = await context.services.users.changeProperties(context.actor, command.who, {
    set: command.set,
    remove: command.remove,
  });
  await answerChanged(context, { email: user.email }, `Properties of ${user.email} changed.`);
};

export const disable: CommandHandler<CommandOf<'disable'>> = async (command, context) => {
  const user = await context.services.users.disable(context.actor, command.who);
  await answerChanged(
    context,
    { email: user.email },
    `Disabled ${user.email}: their credentials are kept but refused until you enable them.`,
  );
};

export const enable: CommandHandler<CommandOf<'enable'>> = async (command, context) => {
  const user = await context.services.users.enable(context.actor, command.who);
  await answerChanged(context, { email: user.email }, `Enabled ${user.email}.`);
};

export const revoke: CommandHandler<CommandOf<'revoke'>> = async (command, context) => {
  await revokeWithApproval(context, command.who);
};

/** Revokes at once, or asks for approval when the policy says so (command and card button alike). */
export async function revokeWithApproval(
  context: Pick<CommandContext, 'actor' | 'services' | 'respond'>,
  who: UserRef,
): Promise<void> {
  const { services, actor } = context;
  const target = await services.directory.findUser(who);
  await runOrRequestApproval(context, { action: 'revoke', input: { email: target.email } }, async () => {
    const user = await services.users.revoke(actor, { id: target.id });
    await answerChanged(
      context,
      { email: user.email },
      `Revoked ${user.email}: their API key, passcode, password and pending links no longer work.`,
    );
  });
}

export const owner: CommandHandler<CommandOf<'owner'>> = async (command, context) => {
  const user = await context.services.users.transferOwnership(context.actor, command.who);
  await answerChanged(context, { email: user.email }, `${user.email} now owns the account.`);
};
