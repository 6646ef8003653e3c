/**
 * The digest of what the identity provider changed through SCIM (issue 11): each pass queues one
 * notice for the audit events with source `scim` after the account's cursor and moves the cursor in
 * the same transaction, so every event is in exactly one digest; sending reads that range back.
 */
import type { NoticeOutbox } from '../domain/notices/notice-outbox';
import type { ScimDigest } from '../domain/ports';
import { countScimEventKinds, lastScimEventSeq, listScimEvents, type ScimEventLine } from '../store/audit/audit-events';
import { ensureNoticeCursor, lockNoticeCursor, moveNoticeCursor, readNoticeCursor } from '../store/notices/notice-cursors';
import { type Db, lockAccount, type Tx, transaction } from '../store/tx';
import type { DueWorkDeps } from './due-work';

export const SCIM_DIGEST_RULE = 'scim-digest';
const CURSOR = 'scim-digest';

/** Lines a digest spells out; the rest are counted in "and N more". */
export const SCIM_DIGEST_LINES = 20;

/** The digest, declared with the `SchedulerNotifier` port; still importable from here (the digest view names it from this file). */
export type { ScimDigest } from '../domain/ports';

/**
 * Queues a digest of the SCIM changes since the last one; 1 when it queued one. Nothing is queued
 * (and the cursor stays) without a notices channel, so the first digest once there is one tells all.
 */
export async function queueScimDigest(deps: DueWorkDeps): Promise<number> {
  const { prisma, accountId, outbox } = deps;
  if (!deps.noticesChannel) return 0;
  // Most passes find nothing new: look before taking the account lock.
  if ((await lastScimEventSeq(prisma, accountId, await readNoticeCursor(prisma, accountId, CURSOR))) === null) return 0;
  return transaction(prisma, async (tx) => {
    // Every SCIM change records its audit events under the account lock; holding it here means no
    // change is half-way, so no event with a lower `seq` can commit after the cursor has passed it.
    await lockAccount(tx, accountId);
    await ensureNoticeCursor(tx, accountId, CURSOR, deps.clock.now());
    const from = await lockNoticeCursor(tx, accountId, CURSOR);
    const to = await lastScimEventSeq(tx, accountId, from);
    if (to === null) return 0; // another pass queued it meanwhile
    await queueRange(tx, outbox, from, to);
    await moveNoticeCursor(tx, accountId, CURSOR, to);
    return 1;
  });
}

function queueRange(tx: Tx, outbox: NoticeOutbox, from: bigint, to: bigint): Promise<void> {
  return outbox.queue(tx, [{ rule: SCIM_DIGEST_RULE, subjectId: `${from}-${to}` }]);
}

/** The range a queued digest covers: events with `from < seq <= to`. */
export function digestRange(subjectId: string): { from: bigint; to: bigint } {
  const [from, to] = subjectId.split('-');
  return { from: BigInt(from ?? '0'), to: BigInt(to ?? '0') };
}

const COUNT_LABELS: Record<string, string> = {
  'user.provisioned': 'users created',
  'user.deactivated': 'users deactivated',
  'user.reactivated': 'users reactivated',
  'user.updated': 'users updated',
  'user.deleted': 'users deleted',
  'group.created': 'groups created',
  'group.renamed': 'groups renamed',
  'group.members-changed': 'group membership changes',
  'group.deleted': 'groups deleted',
};

/** Reads a queued digest's range back: counts by kind (in SQL) and the first lines. */
export async function readScimDigest(db: Db, accountId: string, subjectId: string): Promise<ScimDigest> {
  const { from, to } = digestRange(subjectId);
  const kinds = await countScimEventKinds(db, accountId, { from, to });
  // A membership change can make two lines; one more event than lines is enough to fill them.
  const events = await listScimEvents(db, accountId, { from, to }, SCIM_DIGEST_LINES + 1);
  const total = kinds.reduce((sum, k) => sum + k.count, 0);
  const lines: string[] = [];
  let shown = 0;
  for (const event of events) {
    const eventLines = describeScimEvent(event);
    if (lines.length + eventLines.length > SCIM_DIGEST_LINES) break;
    lines.push(...eventLines);
    shown++;
  }
  return {
    counts: kinds.map((k) => ({ label: COUNT_LABELS[k.kind] ?? k.kind, count: k.count })),
    lines,
    more: total - shown,
  };
}

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
/** Members named on one line; a provider that moves a whole department gets a count for the rest. */
const MEMBERS_PER_LINE = 10;
const some = (emails: string[]) =>
  emails.length <= MEMBERS_PER_LINE
    ? emails.join(', ')
    : `${emails.slice(0, MEMBERS_PER_LINE).join(', ')} and ${emails.length - MEMBERS_PER_LINE} more`;
const names = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** One audit event as digest lines ("created ann@example.com", "removed from Sales: bob@example.com"). */
export function describeScimEvent(event: ScimEventLine): string[] {
  const who = event.targetEmail ?? 'a user';
  const before = record(event.before);
  const after = record(event.after);
  switch (event.action) {
    case 'user.provisioned':
      return [`created ${who}`];
    case 'user.deleted':
      return [`deleted ${who}`];
    case 'user.updated': {
      const verb = after.status === 'disabled' ? 'deactivated' : after.status === 'active' ? 'reactivated' : 'updated';
      const fields = Object.keys(after).filter((key) => key !== 'status');
      const was = typeof before.email === 'string' ? ` (was ${before.email})` : '';
      const what =
        fields.length === 0 ? '' : verb === 'updated' ? `: ${fields.join(', ')}` : `, and updated ${fields.join(', ')}`;
      return [`${verb} ${who}${was}${what}`];
    }
    case 'group.created':
      return [`created group ${String(after.group)}`];
    case 'group.renamed':
      return [`renamed group ${String(before.group)} to ${String(after.group)}`];
    case 'group.deleted':
      return [`deleted group ${String(before.group)}`];
    case 'group.members-changed': {
      const added = names(after.added);
      const removed = names(after.removed);
      return [
        ...(added.length > 0 ? [`added to ${String(after.group)}: ${some(added)}`] : []),
        ...(removed.length > 0 ? [`removed from ${String(after.group)}: ${some(removed)}`] : []),
      ];
    }
    default:
      return [`${event.action} ${who}`];
  }
}
