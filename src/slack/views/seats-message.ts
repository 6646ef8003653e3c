/** `/users seats`: used / limit as a bar, the plan behind the limit, and what to do when full. */
import type { PlanSeats } from '../../domain/account/settings-service';
import type { Reply } from '../reply';
import { seatBar } from './format';

/** Where to upgrade, as a link when the deployment has one (UPGRADE_URL). */
function upgrade(url: string | undefined): string {
  return url ? `<${url}|upgrade the plan or buy a seat top-up>` : 'upgrade the plan or buy a seat top-up';
}

export function seatsMessage(seats: PlanSeats): Reply {
  const free = seats.limit - seats.used;
  const advice =
    free > 0
      ? `${free} seat${free === 1 ? '' : 's'} free.`
      : `No seats free: ${upgrade(seats.upgradeUrl)}, or revoke people who no longer need access.`;
  // The owner may keep the account below its plan (Settings); only a new plan gives more.
  const plan =
    seats.limit < seats.plan
      ? `The plan has ${seats.plan} seats; the owner keeps the limit at ${seats.limit} in Settings.`
      : `The plan has ${seats.plan} seats.`;
  return {
    text: `Seats: ${seatBar(seats.used, seats.limit)}\n${advice}\n${plan}\nEveryone who is not revoked takes a seat, pending invites included.`,
  };
}
