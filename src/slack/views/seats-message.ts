/** `/users seats`: used / limit as a bar and what to do when full. */
import type { Seats } from '../../domain/directory/directory-service';
import type { Reply } from '../reply';
import { seatBar } from './format';

export function seatsMessage(seats: Seats): Reply {
  const free = seats.limit - seats.used;
  const advice =
    free > 0
      ? `${free} seat${free === 1 ? '' : 's'} free.`
      : 'No seats free: upgrade the plan or buy a seat top-up, or revoke people who no longer need access.';
  return {
    text: `Seats: ${seatBar(seats.used, seats.limit)}\n${advice}\nEveryone who is not revoked takes a seat, pending invites included.`,
  };
}
