/**
 * How the server console's commands (`npm run accounts`, `npm run recover-owner`) meet the operator: the
 * environment they read, the lines they print and the answers typed at a prompt (`ConsoleIo`), and how
 * they end: an exit code and, on failure, one line. The CLIs run them on the process's own terminal;
 * tests run them in process, over the same code.
 */
import { createInterface } from 'node:readline/promises';
import { inspect } from 'node:util';
import { ConfigError, isRosterError } from '../errors';

/** A refusal: one line on stderr, exit code 1. */
export class Refusal extends Error {}

export interface ConsoleIo {
  env: NodeJS.ProcessEnv;
  /** One line for the operator (stdout). */
  out(line: string): void;
  /** One line about a failure (stderr). */
  err(line: string): void;
  /** Asks, and resolves with what was typed; an empty answer when the input is closed. */
  ask(question: string): Promise<string>;
}

/** The process's own terminal. */
export const processIo: ConsoleIo = {
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  async ask(question) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
      return await Promise.race([rl.question(question), closed]);
    } finally {
      rl.close();
    }
  },
};

/** Runs `command`: 0 when it is done; 1 with one line for a refusal or a rule, else the whole error. */
export async function consoleExitCode(command: () => Promise<void>, io: ConsoleIo): Promise<number> {
  try {
    await command();
    return 0;
  } catch (error) {
    if (error instanceof Refusal || error instanceof ConfigError || isRosterError(error)) io.err(error.message);
    // The whole error, as console.error shows it: its cause, code and the errors of an AggregateError too.
    else io.err(inspect(error));
    return 1;
  }
}

/** Runs `command` on the process's terminal and exits with its code. */
export function runConsoleCommand(command: (io: ConsoleIo) => Promise<void>): void {
  void consoleExitCode(() => command(processIo), processIo).then((code) => process.exit(code));
}
