/**
 * The delete confirmation: who goes, how many assets and which API keys move to the owner, that
 * passcodes end, and why (required for yourself).
 */
import { Blocks, Elements, Modal } from 'slack-block-builder';
import type { DeletionPreview } from '../../domain/deletion/deletion-service';
import { describeFilter } from '../../domain/directory/directory-service';
import { BLOCKS, VIEWS } from '../ids';
import { fitList, LIMITS } from './block-limits';
import { escapeMrkdwn } from './format';
import type { ModalMetadata } from './user-modals';

/** `metadata` carries the users (or, for long lists, the id of their stored copy: see view-state.ts). */
export function deleteModal(preview: DeletionPreview, metadata: ModalMetadata, reason?: string) {
  const count = `${preview.users.length} user${preview.users.length === 1 ? '' : 's'}`;
  const title = preview.filter
    ? `*Delete ${count} matching ${escapeMrkdwn(describeFilter(preview.filter))} for good?* You and the owner are never included.`
    : `*Delete ${count} for good?*`;
  // A review lists the first 20 by name and counts the rest.
  const lines = preview.users.slice(0, 20).map((u) => `• ${escapeMrkdwn(u.name ? `${u.name} (${u.email})` : u.email)}`);
  if (preview.users.length > 20) lines.push(`…and ${preview.users.length - 20} more`);
  const names = fitList(lines, LIMITS.sectionText - title.length - 1);
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
        text: `${title}\n${names}`,
      }),
      Blocks.Section({ text: assets }),
      Blocks.Section({ text: credentialsText(preview) }),
      preview.filter
        ? Blocks.Context().elements('Deleting acts on exactly these users; anyone who no longer matches by then is skipped.')
        : undefined,
      Blocks.Input({
        label: preview.includesSelf ? 'You are deleting yourself: why?' : 'Reason',
        blockId: BLOCKS.deleteReason,
      })
        .optional(!preview.includesSelf)
        .element(Elements.TextInput({ actionId: BLOCKS.deleteReason, initialValue: reason, maxLength: 500 }).multiline()),
    )
    .buildToObject();
}

/**
 * What happens to their credentials: API keys move to the owner and keep working, never with more than
 * their holder could do (named by
 * prefix and holder, the first 20); passcodes are personal sign-in secrets and end with their holders.
 */
function credentialsText(preview: DeletionPreview): string {
  const count = preview.apiKeyCount;
  const keys =
    count === 0
      ? 'They hold no API keys.'
      : `${count === 1 ? 'This API key moves' : `${count} API keys move`} to ${escapeMrkdwn(preview.ownerEmail)} and keep${count === 1 ? 's' : ''} working in the owner's name with no more access than before (the owner can revoke ${count === 1 ? 'it' : 'each'}):\n${fitList(
          preview.apiKeys.map((k) => `• \`${escapeMrkdwn(k.prefix)}…\` of ${escapeMrkdwn(k.email)}`),
          LIMITS.sectionText - 400,
        )}${count > preview.apiKeys.length ? `\n…and ${count - preview.apiKeys.length} more` : ''}`;
  const passcodes =
    preview.passcodes === 0
      ? ''
      : `\n${preview.passcodes === 1 ? 'One passcode ends' : `${preview.passcodes} passcodes end`} with ${preview.passcodes === 1 ? 'its holder' : 'their holders'}: passcodes are personal and do not move.`;
  return keys + passcodes;
}
