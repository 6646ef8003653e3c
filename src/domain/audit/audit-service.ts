/**
 * The audit trail: every change and decision, with names kept as text so that it outlives
 * the users it mentions.
 */
import { type AuditEventLine, insertAuditEvents, listAuditEvents, type NewAuditEvent } from '../../store/audit/audit-events';
import type { Json } from '../../store/records';
import type { Db } from '../../store/tx';
import { type Actor, requirePermission } from '../access/actor';
import type { Clock } from '../clock';

/** Whom a change was about, as it stood. */
export interface AuditTarget {
  id?: string | null;
  email: string;
  name?: string | null;
}

export interface AuditEntry {
  action: string;
  target?: AuditTarget;
  before?: Json;
  after?: Json;
  /** The client address of the HTTP request behind the change (web pages and the API). */
  clientAddress?: string;
}

/** An event as the audit list shows it. */
export type AuditEventView = AuditEventLine;

export type AuditService = ReturnType<typeof createAuditService>;

/** Records and reads audit events for one account. */
export function createAuditService(deps: { db: Db; accountId: string; clock: Clock }) {
  const { accountId, clock } = deps;

  function toRow(actor: Actor, entry: AuditEntry): NewAuditEvent {
    return {
      accountId,
      at: clock.now(),
      actorUserId: actor.userId,
      actorEmail: actor.email,
      actorSlackId: actor.slackUserId ?? null,
      action: entry.action,
      targetUserId: entry.target?.id ?? null,
      targetEmail: entry.target?.email ?? null,
      targetName: entry.target?.name ?? null,
      before: entry.before,
      after: entry.after,
      source: actor.source,
      clientAddress: entry.clientAddress ?? null,
    };
  }

  return {
    /** The rows `entries` record, for a caller that inserts them itself (the change layer's `closeChange`). */
    rows(actor: Actor, ...entries: AuditEntry[]): NewAuditEvent[] {
      return entries.map((entry) => toRow(actor, entry));
    },

    /** Records events inside the caller's transaction, so the trail and the change commit together. */
    async record(db: Db, actor: Actor, ...entries: AuditEntry[]): Promise<void> {
      if (entries.length === 0) return;
      const events = entries.map((entry) => toRow(actor, entry));
      await insertAuditEvents(db, events);
    },

    /** The newest events, optionally about one address. */
    async list(reader: Actor, options: { targetEmail?: string; limit: number }): Promise<AuditEventView[]> {
      requirePermission(reader, 'audit:view');
      return listAuditEvents(deps.db, accountId, options);
    },
  };
}
