/** The words of `npm run accounts -- …`, read into a command or refused in one line naming what is wrong. */
import { Refusal } from './console-command';

const USAGE = 'Usage: npm run accounts -- list | seats <account> <seats|default>';
const MOST_SEATS = 1_000_000;

export type Command = { kind: 'list' } | { kind: 'seats'; account: string; seats: number | null };

/** The command the words mean, or a refusal naming what is wrong. */
export function readCommand(argv: string[]): Command {
  const [verb, ...rest] = argv;
  if (verb === 'list') {
    if (rest.length > 0) throw new Refusal(`\`list\` takes nothing more (got ${rest.join(' ')}). ${USAGE}`);
    return { kind: 'list' };
  }
  if (verb === 'seats') {
    const [account, seats, ...extra] = rest;
    if (!account?.trim() || seats === undefined) throw new Refusal(`Say which account and how many seats. ${USAGE}`);
    if (extra.length > 0) throw new Refusal(`\`seats\` takes an account and a number (got ${extra.join(' ')} too). ${USAGE}`);
    if (seats.toLowerCase() === 'default') return { kind: 'seats', account: account.trim(), seats: null };
    const n = /^\d+$/.test(seats) ? Number(seats) : Number.NaN;
    if (!Number.isInteger(n) || n < 1 || n > MOST_SEATS) {
      throw new Refusal(
        `${seats} is not a number of seats: give a whole number from 1 to ${MOST_SEATS}, or "default" for SEAT_LIMIT.`,
      );
    }
    return { kind: 'seats', account: account.trim(), seats: n };
  }
  throw new Refusal(verb ? `There is no \`${verb}\` command. ${USAGE}` : USAGE);
}
