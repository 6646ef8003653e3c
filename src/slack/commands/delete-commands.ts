/** `/users delete <who>... | <filters> [--reason]`: opens the confirmation modal; the submission deletes (or asks for approval). */

import type { UserFilter, UserRef } from '../../domain/directory/directory-service';
import { asView } from '../block-kit';
import { deleteModal } from '../views/delete-modal';
import { packMetadata } from '../views/modal-submission';
import type { CommandContext, CommandHandler } from './command-context';
import type { CommandOf } from './users-command';

/** Opens the confirmation for these users (command and card button alike). */
export async function openDeleteModal(
  context: Pick<CommandContext, 'actor' | 'services' | 'triggerId'> & { channelId?: string },
  who: UserRef[] | { filter: UserFilter },
  reason?: string,
): Promise<void> {
  // On a filter, the set is fixed here: the confirmation lists who the deletion acts on.
  const preview = Array.isArray(who)
    ? await context.services.deletion.preview(context.actor, who)
    : await context.services.deletion.previewMatching(context.actor, who.filter);
  const metadata = await packMetadata(context.services, context.actor, {
    userIds: preview.users.map((u) => u.id),
    filter: preview.filter,
    channelId: context.channelId,
  });
  const view = deleteModal(preview, metadata, reason);
  await context.services.client.views.open({ trigger_id: context.triggerId, view: asView(view) });
}

export const deleteUsers: CommandHandler<CommandOf<'delete'>> = async (command, context) => {
  await openDeleteModal(context, command.filter ? { filter: command.filter } : command.who, command.reason);
};
