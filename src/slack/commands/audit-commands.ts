/** `/users audit [<who>] [--limit N]`: the newest events, optionally about one address. */
import { requirePermission } from '../../domain/access/actor';
import { auditMessage } from '../views/audit-message';
import type { CommandHandler } from './command-context';
import type { CommandOf } from './parse-users-command';

export const audit: CommandHandler<CommandOf<'audit'>> = async (command, { actor, services, respond }) => {
  requirePermission(actor, 'audit:view');
  let email: string | undefined;
  if (command.who) email = 'email' in command.who ? command.who.email : (await services.directory.findUser(command.who)).email;
  await respond(auditMessage(await services.audit.list({ targetEmail: email, limit: command.limit }), email));
};
