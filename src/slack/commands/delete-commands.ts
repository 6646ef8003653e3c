/** `/users delete <who>... [--reason]`: opens the confirmation modal; the submission deletes (or asks for approval). */

import type { UserRef } from '../../domain/directory/directory-service';
import { asView } from '../block-kit';
import { deleteModal } from '../views/delete-modal';
import { packMetadata } from '../views/modal-submission';
import type { CommandContext, CommandHandler } from './command-context';
import type { CommandOf } from './parse-users-command';

/** Opens the confirmation for these users (command and card button alike). */
export async function openDeleteModal(
  context: Pick<CommandContext, 'actor' | 'services' | 'client' | 'triggerId'> & { channelId?: string },
  who: UserRef[],
  reason?: string,
): Promise<void> {
  const preview = await context.services.deletion.preview(context.actor, who);
  const metadata = await packMetadata(context.services, context.actor, {
    userIds: preview.users.map((u) => u.id),
    channelId: context.channelId,
  });
  const view = deleteModal(preview, metadata, reason);
  await context.client.views.open({ trigger_id: context.triggerId, view: asView(view) });
}

export const deleteUsers: CommandHandler<CommandOf<'delete'>> = async (command, context) => {
  await openDeleteModal(context, command.who, command.reason);
};
