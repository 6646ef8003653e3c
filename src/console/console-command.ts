/** How the server console's commands (`npm run accounts`, `npm run recover-owner`) end: an exit code and, on failure, one line. */
import { ConfigError, isRosterError } from '../errors';

/** A refusal: one line on stderr, exit code 1. */
export class Refusal extends Error {}

/** Runs `command` and exits: 0 when it is done; 1 with one line for a refusal or a rule, else the whole error. */
export function runConsoleCommand(command: () => Promise<void>): void {
  command().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof Refusal || error instanceof ConfigError || isRosterError(error)) console.error(error.message);
      else console.error(error);
      process.exit(1);
    },
  );
}
