/** `/users approvals`: the requests waiting, with buttons for those the asker may decide. */
import { requirePermission } from '../../domain/access/actor';
import { approvalMessage } from '../views/approval-message';
import type { CommandHandler } from './command-context';
import type { CommandOf } from './users-command';

export const approvals: CommandHandler<CommandOf<'approvals'>> = async (_command, { actor, services, respond }) => {
  requirePermission(actor, 'approvals:approve');
  const pending = await services.approvals.pending(actor);
  if (pending.length === 0) {
    await respond({ text: 'No approval requests are waiting for you.' });
    return;
  }
  const blocks = pending.slice(0, 10).flatMap((request) => approvalMessage(request).blocks ?? []);
  await respond({ text: `${pending.length} approval request${pending.length === 1 ? '' : 's'} waiting.`, blocks });
};
