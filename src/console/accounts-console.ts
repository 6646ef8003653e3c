/**
 * `npm run accounts -- list | seats <account> <seats|default>` (its entry: accounts-cli.ts): the operator's view of the accounts a
 * Roster serves, and the seats of each account's plan. Seats are the plan's: the owner may keep the
 * account below its plan in Settings, never raise it past it. Like `recover-owner`, it works on the
 * server through the running Roster's embedded store (or PostgreSQL), and a new plan goes through the
 * change layer as the server console, so the audit trail records it.
 */
import { type Config, loadConfig } from '../config';
import { createAccountScope } from '../create-account-scope';
import { mailerFor } from '../delivery/mailer';
import { consoleActor } from '../domain/access/actor';
import { accountNamed } from '../domain/account/account-identifier';
import { planSeatsOf, seatLimitOf, settingsDefaults } from '../domain/account/account-settings';
import { systemClock } from '../domain/clock';
import { createLogger } from '../logger';
import { consoleSlackClient } from '../slack/slack-client-options';
import { listenForAccountChanges } from '../store/account-signals';
import { findConsoleAccounts, listConsoleAccounts } from '../store/accounts/account-reads';
import { isPostgresUrl, openDatabase } from '../store/database';
import type { Store } from '../store/tx';
import { type Command, readCommand } from './accounts-command';
import { type ConsoleIo, Refusal } from './console-command';

/** One line per account: its identifier, name, owner, seats used / limit, and the plan behind the limit. */
async function list(prisma: Store, config: Config, io: ConsoleIo): Promise<void> {
  const defaults = settingsDefaults(config);
  const accounts = await listConsoleAccounts(prisma);
  if (accounts.length === 0) {
    io.out('The store has no account yet: start Roster once (npm start) first.');
    return;
  }
  for (const account of accounts) {
    const name = account.slug ?? account.slackTeamId ?? account.slackEnterpriseId ?? account.id;
    const limit = seatLimitOf(account, defaults);
    const plan = planSeatsOf(account, defaults);
    const notes = [
      account.planSeats === null ? `plan ${plan} (SEAT_LIMIT)` : `plan ${plan}`,
      account.seatLimit !== null && account.seatLimit < plan ? `owner keeps it at ${account.seatLimit}` : '',
      account.seatLimit !== null && account.seatLimit > plan ? `owner asked for ${account.seatLimit}, above the plan` : '',
      account.seatsUsed > limit ? 'OVER the limit' : '',
    ].filter(Boolean);
    io.out(
      `${name}  ${account.name}  owner ${account.owner?.email ?? 'none'}  seats ${account.seatsUsed}/${limit}  ${notes.join(', ')}`,
    );
  }
}

/** Sets the plan's seats through the change layer as the server console, and tells the running replicas. */
async function setSeats(
  prisma: Store,
  config: Config,
  command: Extract<Command, { kind: 'seats' }>,
  io: ConsoleIo,
): Promise<void> {
  const logger = createLogger(config.logLevel);
  const accountId = await accountNamed(prisma, command.account);
  if (!accountId) throw new Refusal(`There is no account ${command.account}. \`npm run accounts -- list\` names them.`);
  const [account] = await findConsoleAccounts(prisma, accountId);
  if (!account) throw new Refusal(`There is no account ${command.account}.`);
  // The plan never calls Slack; the client is only there because an account scope has one.
  const slack = consoleSlackClient(config, logger);
  const shared = { config, prisma, clock: systemClock, logger, mailer: mailerFor(config), slack };
  const { services } = createAccountScope(shared, account, '');
  const submitted = await services.changes.submit(consoleActor(), { kind: 'plan-seats', seats: command.seats });
  if (submitted.status !== 'done') throw new Error('a console change never waits for approval');
  const done = submitted.result;
  const shown = (seats: number | null) => (seats === null ? `the default (SEAT_LIMIT ${config.seatLimit})` : String(seats));
  io.out(`Plan of ${command.account}: ${shown(done.before)} → ${shown(done.after)} seats.`);
  io.out(`Seat limit in force: ${done.limit}; ${done.used} in use.`);
  if (done.used > done.limit) {
    io.out(`${done.used} seats are in use, more than ${done.limit}: nobody new takes a seat until some are freed.`);
  }
  if (isPostgresUrl(config.databaseUrl)) {
    // Every replica forgets the account's services at once and rebuilds them over the new plan.
    const signals = await listenForAccountChanges({ databaseUrl: config.databaseUrl, logger, changed: () => {}, lost: () => {} });
    await signals.announce(prisma, accountId);
    await signals.close();
  } else {
    io.out('A running Roster on the embedded store applies it within 5 minutes, or at once when restarted.');
  }
}

/** Runs `npm run accounts` with these arguments. */
export async function accounts(argv: string[], io: ConsoleIo): Promise<void> {
  const command = readCommand(argv);
  const config = loadConfig(io.env);
  const logger = createLogger(config.logLevel);
  // A running Roster keeps its embedded store; this goes through it.
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger, share: 'reach' });
  try {
    if (command.kind === 'list') await list(database.prisma, config, io);
    else await setSeats(database.prisma, config, command, io);
  } finally {
    await database.close();
  }
}
