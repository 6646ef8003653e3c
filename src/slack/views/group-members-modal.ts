/**
 * The group members modal (`/users group add [<group>]` without addresses): many people added to
 * one group at once, chosen in Slack, typed as addresses, or both. Its submission is in
 * card-detail-submissions.ts and submits the same `group-members` change as the command.
 */
import { Bits, Blocks, Elements, Modal } from 'slack-block-builder';
import { requirePermission } from '../../domain/access/actor';
import { fail } from '../../errors';
import { asView } from '../block-kit';
import { withOptions } from './block-limits';
import { CARD_DETAIL_BLOCKS as B, CARD_DETAIL_VIEWS } from './card-detail-ids';
import type { DetailOpenContext } from './card-detail-modals';

/** Slack's multi_users_select takes at most 100 people; more go in the address field. */
export const MOST_PICKED = 100;

/** The modal: the group (preselected when named), people in Slack, and addresses. */
export function groupMembersModal(groups: string[], initialGroup: string | undefined, channelId?: string) {
  const select = withOptions(
    Elements.StaticSelect({ actionId: B.membersGroup, placeholder: 'Choose a group' }),
    groups.map((g) => ({ text: g, value: g })),
  );
  const chosen = groups.find((g) => g.toLowerCase() === initialGroup?.toLowerCase());
  if (chosen) select.initialOption(Bits.Option({ text: chosen.slice(0, 75), value: chosen }));
  return Modal({
    title: 'Add to a group',
    callbackId: CARD_DETAIL_VIEWS.groupMembers,
    submit: 'Add',
    close: 'Cancel',
    privateMetaData: JSON.stringify({ channelId }),
  })
    .blocks(
      Blocks.Input({ label: 'Group', blockId: B.membersGroup }).element(select),
      Blocks.Input({ label: 'People in Slack', blockId: B.membersUsers })
        .optional(true)
        .element(
          Elements.UserMultiSelect({ actionId: B.membersUsers, placeholder: 'Choose people' }).maxSelectedItems(MOST_PICKED),
        ),
      Blocks.Input({
        label: 'E-mail addresses',
        blockId: B.membersEmails,
        hint: 'Separate them with commas, spaces or new lines; all of them must be in the directory.',
      })
        .optional(true)
        .element(Elements.TextInput({ actionId: B.membersEmails, maxLength: 3000 }).multiline()),
    )
    .buildToObject();
}

/** Opens the modal for an admin who may change groups; `group` is preselected when it exists. */
export async function openGroupMembersModal(context: DetailOpenContext, group?: string): Promise<void> {
  requirePermission(context.actor, 'groups:manage');
  const groups = (await context.services.groups.list(context.actor)).filter((g) => g.kind !== 'all_users').map((g) => g.name);
  if (groups.length === 0)
    throw fail.invalidState('There is no group to add people to; create one with `/users group create <name>`.');
  await context.services.client.views.open({
    trigger_id: context.triggerId,
    view: asView(groupMembersModal(groups, group, context.channelId)),
  });
}
