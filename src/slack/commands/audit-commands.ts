/** `/users audit [<who>] [--limit N]`: the newest events, optionally about one address. */
import { auditMessage } from '../views/audit-message';
import type { CommandHandler } from './command-context';
import type { CommandOf } from './users-command';

export const audit: CommandHandler<CommandOf<'audit'>> = async (command, { actor, services, respond }) => {
  let email: string | undefined;
  if (command.who) {
    email =
      'email' in command.who ? command.who.email : (await services.directory.userFor(actor, 'audit:view', command.who)).email;
  }
  await respond(auditMessage(await services.audit.list(actor, { targetEmail: email, limit: command.limit }), email));
};
