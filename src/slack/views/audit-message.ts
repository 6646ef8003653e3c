/** Audit events as text lines: when · who · what · on whom · before → after · where from. */
import type { AuditEventView } from '../../domain/audit/audit-service';
import { formatWhen } from '../../domain/format-when';
import type { Reply } from '../reply';
import { escapeMrkdwn } from './format';

function compact(value: unknown): string {
  if (value === null || value === undefined) return '';
  return escapeMrkdwn(JSON.stringify(value)).slice(0, 300);
}

export function auditLine(event: AuditEventView): string {
  const change = event.before || event.after ? ` · ${compact(event.before) || '∅'} → ${compact(event.after) || '∅'}` : '';
  const on = event.targetEmail ? ` · ${event.targetEmail}` : '';
  return `${formatWhen(event.at)} · ${event.actorEmail ?? 'Roster'} · *${event.action}*${on}${change} · _${event.source}_`;
}

export function auditMessage(events: AuditEventView[], about?: string): Reply {
  if (events.length === 0) return { text: about ? `No audit events about ${about}.` : 'No audit events yet.' };
  const title = `*Audit${about ? ` of ${about}` : ''}* (newest first, ${events.length})`;
  const lines: string[] = [title];
  let length = title.length;
  for (const event of events) {
    const line = `• ${auditLine(event)}`;
    if (length + line.length > 3800) {
      lines.push('…more; narrow it with `<who>` or `--limit`.');
      break;
    }
    lines.push(line);
    length += line.length;
  }
  return { text: lines.join('\n') };
}
