/** The delete confirmation: who goes, how many assets move to the owner, and why (required for yourself). */
import { Blocks, Elements, Modal } from 'slack-block-builder';
import type { DeletionPreview } from '../../domain/deletion/deletion-service';
import { BLOCKS, VIEWS } from '../ids';
import { escapeMrkdwn } from './format';

export function deleteModal(preview: DeletionPreview, metadata: { userIds: string[]; channelId?: string }, reason?: string) {
  const names = preview.users.map((u) => `• ${escapeMrkdwn(u.name ? `${u.name} (${u.email})` : u.email)}`).join('\n');
  const assets =
    preview.transferable + preview.nonTransferable === 0
      ? 'They own no assets.'
      : `${preview.transferable} asset${preview.transferable === 1 ? '' : 's'} move to ${preview.ownerEmail}; ${preview.nonTransferable} non-transferable one${preview.nonTransferable === 1 ? '' : 's'} move too and will need reconfiguring.`;
  return Modal({
    title: 'Delete users',
    callbackId: VIEWS.deleteConfirm,
    submit: 'Delete',
    close: 'Cancel',
    privateMetaData: JSON.stringify(metadata),
  })
    .blocks(
      Blocks.Section({
        text: `*Delete ${preview.users.length} user${preview.users.length === 1 ? '' : 's'} for good?*\n${names}`.slice(0, 2900),
      }),
      Blocks.Section({ text: assets }),
      Blocks.Input({
        label: preview.includesSelf ? 'You are deleting yourself: why?' : 'Reason (optional)',
        blockId: BLOCKS.deleteReason,
      })
        .optional(!preview.includesSelf)
        .element(Elements.TextInput({ actionId: BLOCKS.deleteReason, initialValue: reason, maxLength: 500 }).multiline()),
    )
    .buildToObject();
}
