/**
 * `/users group list`: each group with its member count, and a button that opens the group members
 * modal to add many people at once; `/users group add|remove`: who changed.
 */
import { Blocks, Elements, Message } from 'slack-block-builder';
import type { GroupMembersResult } from '../../domain/changes/group-changes';
import type { GroupView } from '../../domain/groups/group-service';
import type { Reply } from '../reply';
import { chunkLines, LIMITS } from './block-limits';
import { CARD_DETAIL_ACTIONS } from './card-detail-ids';
import { escapeMrkdwn } from './format';

export function groupListMessage(groups: GroupView[]): Reply {
  const lines = groups.map((g) => {
    const note = g.kind === 'all_users' ? ' (everyone, automatic)' : g.kind === 'default' ? ' (built in)' : '';
    return `• *${escapeMrkdwn(g.name)}*${note} — ${g.members} member${g.members === 1 ? '' : 's'}`;
  });
  const text = ['*Groups*', ...lines].join('\n');
  // Sections of 3 000 characters, at most 45 of a message's 50 blocks; the button only where there is a group to add to.
  const sections = chunkLines(['*Groups*', ...lines], LIMITS.sectionText, 45).map((chunk) => Blocks.Section({ text: chunk }));
  const addable = groups.some((g) => g.kind !== 'all_users');
  const button = Elements.Button({ text: 'Add people to a group', actionId: CARD_DETAIL_ACTIONS.groupAddMembers }).primary();
  const blocks = Message()
    .blocks(...sections, addable ? Blocks.Actions().elements(button) : undefined)
    .getBlocks();
  return { text, blocks };
}

/** Who was added to or removed from the group, and who already was as asked (a long list ends with a count). */
export function groupMembersMessage(result: GroupMembersResult): Reply {
  const list = (emails: string[]) =>
    emails.length > 20 ? `${emails.slice(0, 20).join(', ')} and ${emails.length - 20} more` : emails.join(', ');
  const group = escapeMrkdwn(result.group);
  const lines = [
    ...(result.added.length > 0 ? [`Added to ${group}: ${list(result.added)}.`] : []),
    ...(result.removed.length > 0 ? [`Removed from ${group}: ${list(result.removed)}.`] : []),
    ...(result.unchanged.length > 0 ? [`Already as asked: ${list(result.unchanged)}.`] : []),
  ];
  const changed = result.added.length + result.removed.length > 0;
  return { text: `${changed ? ':white_check_mark:' : ':information_source: Nothing to change.'} ${lines.join('\n')}`.trim() };
}
