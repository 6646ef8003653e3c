/** `/users group list`: each group with its member count; `/users group add|remove`: who changed. */
import type { GroupMembersResult } from '../../domain/changes/group-changes';
import type { GroupView } from '../../domain/groups/group-service';
import type { Reply } from '../reply';
import { escapeMrkdwn } from './format';

export function groupListMessage(groups: GroupView[]): Reply {
  const lines = groups.map((g) => {
    const note = g.kind === 'all_users' ? ' (everyone, automatic)' : g.kind === 'default' ? ' (built in)' : '';
    return `• *${escapeMrkdwn(g.name)}*${note} — ${g.members} member${g.members === 1 ? '' : 's'}`;
  });
  return { text: ['*Groups*', ...lines].join('\n') };
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
