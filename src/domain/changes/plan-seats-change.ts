/**
 * The operator sets the seats of an account's plan on the server console (`npm run accounts -- seats`):
 * seats are the plan's, not the owner's to raise. The owner's own seat limit (Settings) may only keep
 * the account below the plan. A plan below the seats in use is allowed (billing decides), and leaves
 * the account unable to take seats until some are freed.
 */
import { fail } from '../../errors';
import { findAccountSettings, readSeatsUsed } from '../../store/accounts/account-reads';
import { setPlanSeats } from '../../store/accounts/account-writes';
import { effectiveSettings, planSeatsOf } from '../account/account-settings';
import type { ChangeHandler } from './change-handler';

/** What setting the plan did: the plan's seats before and after (null: SEAT_LIMIT), the limit now in force, the seats used. */
export interface PlanSeatsResult {
  before: number | null;
  after: number | null;
  /** The plan's seats now, SEAT_LIMIT where `after` is null. */
  plan: number;
  limit: number;
  used: number;
}

export const planSeats: ChangeHandler<'plan-seats', PlanSeatsResult> = {
  // Not a permission anyone in the directory holds: only the server console.
  permissions: () => [],
  async apply(context, change) {
    const { tx, accountId, actor } = context;
    if (actor.source !== 'console') {
      throw fail.forbidden("Only whoever runs Roster sets the plan's seats, on the server: `npm run accounts -- seats`.");
    }
    const row = await findAccountSettings(tx, accountId);
    const after = { ...row, planSeats: change.seats };
    const plan = planSeatsOf(after, context.settingsDefaults);
    const result: PlanSeatsResult = {
      before: row.planSeats,
      after: change.seats,
      plan,
      limit: effectiveSettings(after, context.settingsDefaults).seatLimit,
      used: await readSeatsUsed(tx, accountId),
    };
    const same = row.planSeats === change.seats;
    if (!same) await setPlanSeats(tx, accountId, change.seats);
    const described = `${row.planSeats ?? 'default'} → ${change.seats ?? 'default'}`;
    return {
      result,
      stored: change,
      summary: `Set the plan's seats: ${described}.`,
      outcome: same ? 'Nothing to change.' : `Plan seats: ${described}.`,
      touched: [],
      targets: [],
      gains: [],
      facts: { users: 0 },
      audit: same
        ? []
        : [{ action: 'account.plan-seats', before: { planSeats: row.planSeats }, after: { planSeats: change.seats } }],
      // Every replica rebuilds this account's services over the new limit.
      deliver: async (done) => {
        if (!same) context.settingsChanged(accountId);
        return done;
      },
    };
  },
};
