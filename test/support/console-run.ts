/**
 * Runs a server console command (`npm run accounts`, `npm run recover-owner`) in this process, over the
 * same code its CLI entry runs: with the environment of the server it runs on, what it prints, and the
 * operator's answer to its prompt. A child process costs seconds per run; the entry itself is tried as one
 * where the process is the point (a terminal prompt, two operators at once, a store nobody else holds).
 */
import { type ConsoleIo, consoleExitCode } from '../../src/console/console-command';

export interface ConsoleRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `input`: what the operator types at the prompt (its first line); none, and the prompt reads a closed input. */
export async function runConsole(
  command: (argv: string[], io: ConsoleIo) => Promise<void>,
  env: Record<string, string | undefined>,
  argv: string[],
  input = '',
): Promise<ConsoleRun> {
  let stdout = '';
  let stderr = '';
  const io: ConsoleIo = {
    env: { ...process.env, DATABASE_URL: undefined, ...env },
    out(line) {
      stdout += `${line}\n`;
    },
    err(line) {
      stderr += `${line}\n`;
    },
    async ask(question) {
      stdout += question;
      return input.split('\n')[0] ?? '';
    },
  };
  const code = await consoleExitCode(() => command(argv, io), io);
  return { code, stdout, stderr };
}
