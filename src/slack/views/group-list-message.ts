/** `/users group list`: each group with its member count. */
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
