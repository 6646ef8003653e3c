/**
 * What the server console's commands make of their words, and the one line each refusal says; the
 * end-to-end suites (accounts-cli, recover-owner) run the scripts themselves for exit codes and the store.
 */
import { describe, expect, it } from 'vitest';
import { readCommand } from '../../src/console/accounts-command';
import { Refusal } from '../../src/console/console-command';
import { USAGE as RECOVER_USAGE, readArguments } from '../../src/console/recover-owner-arguments';
import { thrownMessage } from '../support/thrown';

const ACCOUNTS_USAGE = 'Usage: npm run accounts -- list | seats <account> <seats|default>';

/** The refusal `read` throws, as the one line the console prints. */
const refusal = (read: () => unknown) => thrownMessage(read, Refusal);

describe('npm run accounts', () => {
  it('reads list and seats, a number or default', () => {
    expect(readCommand(['list'])).toEqual({ kind: 'list' });
    expect(readCommand(['seats', ' acme ', '12'])).toEqual({ kind: 'seats', account: 'acme', seats: 12 });
    expect(readCommand(['seats', 'acme', 'DEFAULT'])).toEqual({ kind: 'seats', account: 'acme', seats: null });
    expect(readCommand(['seats', 'acme', '1000000'])).toEqual({ kind: 'seats', account: 'acme', seats: 1_000_000 });
  });

  it.each([
    [[], ACCOUNTS_USAGE],
    [['frobnicate'], `There is no \`frobnicate\` command. ${ACCOUNTS_USAGE}`],
    [['list', 'everything'], `\`list\` takes nothing more (got everything). ${ACCOUNTS_USAGE}`],
    [['seats', 'acme'], `Say which account and how many seats. ${ACCOUNTS_USAGE}`],
    [['seats', ' ', '3'], `Say which account and how many seats. ${ACCOUNTS_USAGE}`],
    [
      ['seats', 'acme', 'lots'],
      'lots is not a number of seats: give a whole number from 1 to 1000000, or "default" for SEAT_LIMIT.',
    ],
    [['seats', 'acme', '0'], '0 is not a number of seats: give a whole number from 1 to 1000000, or "default" for SEAT_LIMIT.'],
    [
      ['seats', 'acme', '2.5'],
      '2.5 is not a number of seats: give a whole number from 1 to 1000000, or "default" for SEAT_LIMIT.',
    ],
    [
      ['seats', 'acme', '1000001'],
      '1000001 is not a number of seats: give a whole number from 1 to 1000000, or "default" for SEAT_LIMIT.',
    ],
    [['seats', 'acme', '12', '13'], `\`seats\` takes an account and a number (got 13 too). ${ACCOUNTS_USAGE}`],
  ])('refuses %j in one line', (argv, line) => {
    expect(refusal(() => readCommand(argv))).toBe(line);
  });
});

describe('npm run recover-owner', () => {
  it('reads the address (normalised), the account and --yes', () => {
    expect(readArguments(['--email', ' Bob@Example.com '])).toEqual({ email: 'bob@example.com', account: undefined, yes: false });
    expect(readArguments(['--email', 'bob@example.com', '--account', ' T0ACME ', '--yes'])).toEqual({
      email: 'bob@example.com',
      account: 'T0ACME',
      yes: true,
    });
  });

  it.each([
    [['--email', 'not-an-address', '--yes'], 'not-an-address is not a valid e-mail address.'],
    [['--yes'], `Say whom to make the owner with --email. ${RECOVER_USAGE}`],
    [['--email', '  '], `Say whom to make the owner with --email. ${RECOVER_USAGE}`],
    [['--email', 'bob@example.com', '--force'], `Unknown option '--force'. ${RECOVER_USAGE}`],
    [
      ['--email', 'bob@example.com', 'extra'],
      expect.stringMatching(/^Unexpected argument 'extra'\. Usage: npm run recover-owner/),
    ],
  ])('refuses %j in one line', (argv, line) => {
    const said = refusal(() => readArguments(argv));
    expect(said).toEqual(line);
    expect(said.split('\n')).toHaveLength(1);
  });
});
