/**
 * Parses `/users …` text into a typed command: tokenize, pick the subcommand's entry in
 * `SUBCOMMANDS`, and let it read its words, validating every value with zod at the edge.
 * A malformed command is refused with the usage line of the subcommand that was meant.
 */
import { fail } from '../../errors';
import { CommandInput, Refusal } from './command-input';
import { isSubcommand, SUBCOMMANDS, type SubcommandSpec } from './subcommands';
import { tokenize } from './tokenize';
import type { UsersCommand } from './users-command';

export { parseInvitees } from './invitees';

/** Parses the text after `/users`. */
export function parseUsersCommand(text: string): UsersCommand {
  const [first, ...rest] = tokenize(text);
  if (first === undefined) return { kind: 'home' };
  const name = first.toLowerCase();
  if (!isSubcommand(name)) {
    throw fail.badInput(`Unknown command \`${first}\`.`, { hint: 'Type `/users help` to see what Roster can do.' });
  }
  const spec: SubcommandSpec = SUBCOMMANDS[name];
  try {
    return spec.parse(new CommandInput(name, spec, rest));
  } catch (error) {
    if (error instanceof Refusal) throw fail.badInput(error.message, { hint: `Usage: \`${spec.usage}\`` });
    throw error;
  }
}
