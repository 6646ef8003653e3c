/** `/users partner list | add | rename | delete`: the account's partners, which scoped roles take as their scope. */
import { escapeMrkdwn } from '../views/format';
import { changeCommand } from './change-command';
import type { CommandHandler } from './command-context';
import type { CommandOf } from './users-command';

type PartnerCommand<A extends CommandOf<'partner'>['action']> = Extract<CommandOf<'partner'>, { action: A }>;

const addPartner: CommandHandler<PartnerCommand<'add'>> = changeCommand(
  (command) => ({ kind: 'partner-add', name: command.name }),
  (result) => ({
    text: `:white_check_mark: Added the partner ${escapeMrkdwn(result.name)}. Grant it to a Normal user with \`/users roles <who> +partner="${result.name}"\`, or invite a Partner user with \`/users invite <email> --role partner --partner "${result.name}"\`.`,
  }),
);

const renamePartner: CommandHandler<PartnerCommand<'rename'>> = changeCommand(
  (command) => ({ kind: 'partner-rename', name: command.name, to: command.newName }),
  (result) => ({
    text: `:white_check_mark: Renamed the partner ${escapeMrkdwn(result.from)} to ${escapeMrkdwn(result.to)}; its ${result.holders} user${result.holders === 1 ? '' : 's'} keep it.`,
  }),
);

const deletePartner: CommandHandler<PartnerCommand<'delete'>> = changeCommand(
  (command) => ({ kind: 'partner-delete', name: command.name, ...(command.reassign ? { reassign: command.reassign } : {}) }),
  (result) => ({
    text:
      `:white_check_mark: Deleted the partner ${escapeMrkdwn(result.name)}.` +
      (result.reassignedTo && result.holders.length > 0
        ? ` ${result.holders.map(escapeMrkdwn).join(', ')} now hold${result.holders.length === 1 ? 's' : ''} ${escapeMrkdwn(result.reassignedTo)} instead.`
        : ''),
  }),
);

/** Dispatches `/users partner` by action; `list` answers here, the others are changes. */
export const partner: CommandHandler<CommandOf<'partner'>> = async (command, context) => {
  if (command.action === 'add') return addPartner(command, context);
  if (command.action === 'rename') return renamePartner(command, context);
  if (command.action === 'delete') return deletePartner(command, context);
  const { actor, services, respond } = context;
  const partners = await services.partners.list(actor);
  if (partners.length === 0) {
    await respond({ text: 'No partners yet. An Admin adds one with `/users partner add <name>`.' });
    return;
  }
  const lines = partners.map((p) => `• ${escapeMrkdwn(p.name)} — ${p.holders} user${p.holders === 1 ? '' : 's'}`);
  await respond({ text: [`*Partners* (${partners.length})`, ...lines].join('\n') });
};
