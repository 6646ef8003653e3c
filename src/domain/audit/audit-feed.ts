/**
 * The audit trail as the audit API reads it: in each account's commit order (`accountSeq`), a page
 * after a cursor at a time, or a whole range in batches for a stream. The cursor is the number of the
 * last event a reader saw, so a poller that keeps it never misses or repeats an event, whatever is
 * written meanwhile.
 */
import { fail } from '../../errors';
import { type AuditFilter, type AuditRecord, lastAuditSeq, readAuditPage } from '../../store/audit/audit-pages';
import type { Db } from '../../store/tx';

export type { AuditFilter } from '../../store/audit/audit-pages';

/** The permission an API key's holder needs to read the trail. */
export const AUDIT_VIEW = 'audit:view';

/** Rows read per query while streaming: large enough to be quick, small enough to keep memory flat. */
export const STREAM_BATCH = 5000;

/** One event as the API shows it. */
export interface AuditEventJson {
  /** The event's number in its account: the cursor a reader keeps. */
  seq: number;
  id: string;
  at: string;
  action: string;
  actor: { id: string | null; email: string | null; slackId: string | null };
  target: { id: string | null; email: string | null; name: string | null } | null;
  before: unknown;
  after: unknown;
  source: string;
  clientAddress: string | null;
}

/** The events a reader asked for: those after `after` (0: from the start) that pass `filter`. */
export interface AuditQuery {
  after: bigint;
  filter: AuditFilter;
}

/** Someone reading the trail: the holder of a verified credential, with their permissions. */
export interface AuditReader {
  permissions: readonly string[];
}

export type AuditFeed = ReturnType<typeof createAuditFeed>;

/** An event as JSON; `seq` fits a JSON number (an account writes far fewer than 2^53 events). */
export function auditEventJson(row: AuditRecord): AuditEventJson {
  const target =
    row.targetUserId === null && row.targetEmail === null && row.targetName === null
      ? null
      : { id: row.targetUserId, email: row.targetEmail, name: row.targetName };
  return {
    seq: Number(row.accountSeq),
    id: row.id,
    at: row.at.toISOString(),
    action: row.action,
    actor: { id: row.actorUserId, email: row.actorEmail, slackId: row.actorSlackId },
    target,
    before: row.before ?? null,
    after: row.after ?? null,
    source: row.source,
    clientAddress: row.clientAddress,
  };
}

/** Reads one account's audit trail for the API. */
export function createAuditFeed(deps: { db: Db; accountId: string }) {
  const { db, accountId } = deps;

  function allow(reader: AuditReader): void {
    if (!reader.permissions.includes(AUDIT_VIEW)) {
      throw fail.forbidden(`This API key's holder lacks the ${AUDIT_VIEW} permission; give them a role that has it.`);
    }
  }

  return {
    /** Refuses a reader without `audit:view` (forbidden), before anything else about the request is judged. */
    allow,

    /**
     * Up to `limit` events after the cursor, in order, and the cursor to ask with next: the last
     * event's number, or past every event that had committed when a short page was read.
     */
    async page(reader: AuditReader, query: AuditQuery, limit: number): Promise<{ events: AuditEventJson[]; next: bigint }> {
      allow(reader);
      // Read first, every event up to it is committed: a short page has passed them all, so a filtered
      // poller's next cursor moves past the events it skipped instead of reading them again.
      const settled = await lastAuditSeq(db, accountId);
      const rows = await readAuditPage(db, accountId, { after: query.after, limit, filter: query.filter });
      const last = rows.at(-1)?.accountSeq ?? query.after;
      const next = rows.length < limit && settled > last ? settled : last;
      return { events: rows.map(auditEventJson), next };
    },

    /**
     * The whole range after the cursor as it stands now (events written while it is read come next
     * time), in batches of `batch` rows; `end` is the cursor that continues after it. The batches are
     * read one at a time, as the caller asks for them, so a slow reader holds one batch in memory.
     */
    async range(
      reader: AuditReader,
      query: AuditQuery,
      batch = STREAM_BATCH,
    ): Promise<{ end: bigint; batches: AsyncGenerator<AuditEventJson[]> }> {
      allow(reader);
      // A cursor from beyond the end (another account's, or typed by hand) reads nothing and is kept.
      let end = await lastAuditSeq(db, accountId);
      if (end < query.after) end = query.after;
      async function* batches(): AsyncGenerator<AuditEventJson[]> {
        let after = query.after;
        while (after < end) {
          const rows = await readAuditPage(db, accountId, { after, upTo: end, limit: batch, filter: query.filter });
          if (rows.length > 0) yield rows.map(auditEventJson);
          if (rows.length < batch) return;
          after = rows.at(-1)?.accountSeq ?? end;
        }
      }
      return { end, batches: batches() };
    },
  };
}
