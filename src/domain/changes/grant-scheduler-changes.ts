/**
 * The scheduler's part in time-bound access, each one batch of a set-based statement that locks what it
 * takes (`FOR UPDATE SKIP LOCKED`), its notices queued in the same transaction: the end of grants that
 * ended recorded (audited `grant.ended`, the holder told), holders warned before the end (with Extend
 * and End now), and break-glass uses no Admin has reviewed raised again each day. The grants themselves
 * stopped counting at their end, whenever this runs.
 */
import { findGrantsByIds } from '../../store/grants/grant-reads';
import { markGrantsWarned, raiseUnreviewedBreakGlass, recordEndedGrants } from '../../store/grants/grant-writes';
import { findUserTargets } from '../../store/users/user-reads';
import { DAY_MS } from '../clock';
import { grantAccessLabel } from '../directory/user-view';
import type { ChangeHandler } from './change-handler';
import { batchOf, schedulerOnly } from './scheduler-changes';

/** Grants that ended by now and whose end is not recorded: recorded once, audited, the holder's DM queued. One batch. */
export const grantExpiry: ChangeHandler<'grant-expiry', { ended: number }> = {
  permissions: () => [],
  async apply(context, change) {
    schedulerOnly(context.actor);
    const { tx, accountId } = context;
    const ended = await recordEndedGrants(tx, accountId, context.clock.now(), change.batch);
    if (ended.length === 0) return batchOf({ ended: 0 }, change, 'No access was due to end.');
    const grants = await findGrantsByIds(
      tx,
      ended.map((g) => g.id),
    );
    const holders = new Map((await findUserTargets(tx, [...new Set(ended.map((g) => g.userId))])).map((u) => [u.id, u]));
    await context.outbox.queue(
      tx,
      ended.map((g) => ({ rule: 'grant-ended', subjectId: g.id })),
    );
    return batchOf({ ended: ended.length }, change, `${ended.length} time-bound grants ended.`, {
      targets: [...holders.keys()],
      audit: grants.flatMap((grant) => {
        const holder = holders.get(grant.userId);
        if (!holder) return [];
        return [
          {
            action: 'grant.ended',
            target: holder,
            before: { access: grantAccessLabel(grant), until: grant.endsAt.toISOString() },
            after: { access: grantAccessLabel(grant), ended: grant.endsAt.toISOString(), endReason: 'expired' },
          },
        ];
      }),
    });
  },
};

/** Grants ending within the policy's warning time whose holder was not warned of this end: the DM queued. One batch. */
export const grantWarnings: ChangeHandler<'grant-warnings', { warned: number }> = {
  permissions: () => [],
  async apply(context, change) {
    schedulerOnly(context.actor);
    const now = context.clock.now();
    const warnBefore = new Date(now.getTime() + context.grantWarningMinutes * 60_000);
    const warned = await markGrantsWarned(context.tx, context.accountId, { now, warnBefore }, change.batch);
    await context.outbox.queue(
      context.tx,
      warned.map((g) => ({ rule: 'grant-warning', subjectId: g.id, occasion: String(now.getTime()) })),
    );
    return batchOf({ warned: warned.length }, change, `${warned.length} holders warned their access ends soon.`);
  },
};

/** Break-glass uses unreviewed for a day since they started or were last raised: raised again to the Admins. One batch. */
export const breakGlassRaise: ChangeHandler<'break-glass-raise', { raised: number }> = {
  permissions: () => [],
  async apply(context, change) {
    schedulerOnly(context.actor);
    const now = context.clock.now();
    const raised = await raiseUnreviewedBreakGlass(
      context.tx,
      context.accountId,
      { now, raisedBefore: new Date(now.getTime() - DAY_MS) },
      change.batch,
    );
    await context.outbox.queue(
      context.tx,
      raised.map((g) => ({ rule: 'break-glass-raise', subjectId: g.id, occasion: now.toISOString().slice(0, 10) })),
    );
    return batchOf({ raised: raised.length }, change, `${raised.length} unreviewed break-glass uses raised again.`);
  },
};
