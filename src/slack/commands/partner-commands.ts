/** `/users partner list | add`: the account's partners, which scoped roles take as their scope. */
import { escapeMrkdwn } from '../views/format';
import { changeCommand } from './change-command';
import type { CommandHandler } from './command-context';
import type { CommandOf } from './users-command';

const addPartner: CommandHandler<Extract<CommandOf<'partner'>, { action: 'add' }>> = changeCommand(
  (command) => ({ kind: 'partner-add', name: command.name }),
  (result) => ({
    text: `:white_check_mark: Added the partner ${escapeMrkdwn(result.name)}. Invite someone for it with \`/users invite <email> --role partner --partner "${result.name}"\`.`,
  }),
);

export const partner: CommandHandler<CommandOf<'partner'>> = async (command, context) => {
  if (command.action === 'add') return addPartner(command, context);
  const { actor, services, respond } = context;
  const partners = await services.partners.list(actor);
  if (partners.length === 0) {
    await respond({ text: 'No partners yet. An Admin adds one with `/users partner add <name>`.' });
    return;
  }
  const lines = partners.map((p) => `• ${escapeMrkdwn(p.name)} — ${p.holders} user${p.holders === 1 ? '' : 's'}`);
  await respond({ text: [`*Partners* (${partners.length})`, ...lines].join('\n') });
};
