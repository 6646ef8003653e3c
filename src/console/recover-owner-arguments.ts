/** The options of `npm run recover-owner -- …`, read or refused in one line naming what is wrong. */
import { parseArgs } from 'node:util';
import { isValidEmail, normaliseEmail } from '../domain/email';
import { Refusal } from './console-command';

export const USAGE = 'Usage: npm run recover-owner -- --email <address> [--account <identifier or Slack team ID>] [--yes]';

/** The e-mail of the new owner, the account (when several), and whether `--yes` skips the confirmation. */
export function readArguments(argv: string[]): { email: string; account?: string; yes: boolean } {
  let values: { email?: string; account?: string; yes?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { email: { type: 'string' }, account: { type: 'string' }, yes: { type: 'boolean' } },
      strict: true,
    }));
  } catch (error) {
    // Node's own sentence (e.g. "Unknown option '--force'"), without its advice on positionals.
    throw new Refusal(`${(error as Error).message.split('. ')[0]}. ${USAGE}`);
  }
  if (!values.email?.trim()) throw new Refusal(`Say whom to make the owner with --email. ${USAGE}`);
  const email = normaliseEmail(values.email);
  if (!isValidEmail(email)) throw new Refusal(`${values.email} is not a valid e-mail address.`);
  return { email, account: values.account?.trim() || undefined, yes: values.yes === true };
}
