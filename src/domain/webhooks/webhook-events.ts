/**
 * What an endpoint receives: the account's audit events, each as one Standard Webhooks message
 * (`{ type, timestamp, data }`) whose id is the event's own id, so a retried or replayed delivery
 * carries the same id and a receiver can drop duplicates. `--events` narrows the stream by action:
 * `user.invited` is one action, `user.*` every action that starts with `user.`.
 */
import type { AuditRecord } from '../../store/audit/audit-pages';
import { auditEventJson } from '../audit/audit-feed';

/** An action (`user.invited`) or a prefix of actions (`user.*`). */
const PATTERN = /^[a-z][a-z0-9-]*(\.[a-z0-9_-]+)*(\.\*)?$|^\*$/;

/** The most patterns one endpoint may have. */
export const MAX_PATTERNS = 20;

/** The type of the message `/users webhook test` sends, which is no audit event. */
export const TEST_EVENT = 'webhook.test';

/** Whether `pattern` is an action or a prefix of actions as `--events` takes them. */
export function isEventPattern(pattern: string): boolean {
  return pattern.length <= 100 && PATTERN.test(pattern);
}

/** Whether an endpoint with these patterns (none: all) receives events of `action`. */
export function matchesEvents(patterns: readonly string[], action: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern) =>
    pattern === '*' ? true : pattern.endsWith('.*') ? action.startsWith(pattern.slice(0, -1)) : action === pattern,
  );
}

/** One message as sent: its id (the webhook-id header), when it happened, and the JSON body. */
export interface WebhookMessage {
  id: string;
  at: Date;
  body: string;
}

/** The message of an audit event of `accountId`: the event as the audit API shows it, with its account. */
export function eventMessage(accountId: string, event: AuditRecord): WebhookMessage {
  const data = { accountId, ...auditEventJson(event) };
  return { id: event.id, at: event.at, body: JSON.stringify({ type: event.action, timestamp: event.at.toISOString(), data }) };
}

/** The message `/users webhook test` sends: of its own type, with an id of its own. */
export function testMessage(accountId: string, id: string, at: Date, sentBy: string): WebhookMessage {
  const data = { accountId, sentBy, message: 'A test delivery from Roster: this endpoint receives its events.' };
  return { id, at, body: JSON.stringify({ type: TEST_EVENT, timestamp: at.toISOString(), data }) };
}
