/**
 * Time-bound access from `/users`: an Admin's grant for a while (`roles`/`perms … --for`), a request for
 * oneself (`request`), break-glass (`request … --break-glass`), and `list --temporary`.
 */
import { alertBreakGlass } from '../break-glass-alert';
import { submitChange } from '../submit-change';
import { grantedText, temporaryListMessage } from '../views/grant-messages';
import { changeCommand } from './change-command';
import type { CommandHandler } from './command-context';
import type { CommandOf } from './users-command';

export const timedGrant: CommandHandler<CommandOf<'timed-grant'>> = changeCommand(
  (command) => ({
    kind: 'grant-timed',
    user: command.who,
    roles: command.what === 'roles' ? command.add : [],
    perms: command.what === 'perms' ? command.add : [],
    span: command.span,
    reason: command.reason,
  }),
  (result) => ({ text: grantedText(result) }),
  (command) => command.reason,
);

export const request: CommandHandler<CommandOf<'request'>> = async (command, { services, actor, respond }) => {
  if (!command.breakGlass) {
    const change = { kind: 'access-request' as const, access: command.access, span: command.span, reason: command.reason };
    const render = (result: Parameters<typeof grantedText>[0]) => ({ text: grantedText(result) });
    await respond(await submitChange(services, actor, change, render, { reason: command.reason }));
    return;
  }
  const change = { kind: 'break-glass' as const, role: command.access[0] ?? '', span: command.span, reason: command.reason };
  const submission = await services.changes.submit(actor, change);
  if (submission.status !== 'done') throw new Error('break-glass waited for approval');
  await alertBreakGlass(services);
  await respond({
    text: `${grantedText(submission.result)}\n:rotating_light: This was break-glass: the approvals channel, the owner and every Admin are told, and an Admin reviews it.`,
  });
};

export const temporary: CommandHandler<CommandOf<'temporary'>> = async (_command, { services, actor, respond }) => {
  await respond(temporaryListMessage(await services.grants.inForce(actor)));
};
