/**
 * `npm run recover-owner -- --email X [--account A] [--yes]` (its entry: recover-owner-cli.ts): the break-glass path when the owner is gone and
 * nobody in Slack can hand ownership on. On the server, through the running Roster's embedded store
 * (or PostgreSQL), it shows what will happen, asks for confirmation, moves ownership through the
 * change layer as the server console (audited, conditional on the owner it showed) and tells every
 * Admin by Slack DM; when Slack cannot be reached it says so, and the transfer stands. With many
 * workspaces, --account names the account (its identifier from App Home, or its Slack team ID).
 */
import { loadConfig } from '../config';
import { createAccountScope } from '../create-account-scope';
import { mailerFor } from '../delivery/mailer';
import { consoleActor } from '../domain/access/actor';
import { accountNamed } from '../domain/account/account-identifier';
import type { AdminNotice, OwnerRecovery } from '../domain/changes/owner-recovery-change';
import { systemClock } from '../domain/clock';
import { createLogger } from '../logger';
import { openWithSecrets } from '../slack/installation-store';
import { consoleSlackClient } from '../slack/slack-client-options';
import { findConsoleAccounts } from '../store/accounts/account-reads';
import { openDatabase } from '../store/database';
import { type ConsoleIo, Refusal } from './console-command';
import { readArguments, USAGE } from './recover-owner-arguments';

/** Asks the operator; an empty answer or a closed input is a no. */
async function confirmed(email: string, io: ConsoleIo): Promise<boolean> {
  const typed = (await io.ask(`Type ${email} (or yes) to go on: `)).trim().toLowerCase();
  return typed === email || typed === 'yes';
}

function noticeLines(notice: AdminNotice | undefined): string[] {
  if (!notice) return [];
  const lines: string[] = [];
  if (notice.told.length > 0) {
    lines.push(`Told ${notice.told.length} Admin${notice.told.length === 1 ? '' : 's'} by Slack DM: ${notice.told.join(', ')}.`);
  }
  if (notice.notInWorkspace.length > 0) {
    lines.push(`Not in the Slack workspace, so not told: ${notice.notInWorkspace.join(', ')}.`);
  }
  if (notice.failed.length > 0) {
    lines.push(
      `Slack could not be reached (${notice.problem}), so ${notice.failed.join(', ')} ${notice.failed.length === 1 ? 'was' : 'were'} not told. The transfer stands; tell them yourself.`,
    );
  }
  return lines;
}

/** Runs `npm run recover-owner` with these arguments. */
export async function recoverOwner(argv: string[], io: ConsoleIo): Promise<void> {
  const { email, account: named, yes } = readArguments(argv);
  const config = loadConfig(io.env);
  const logger = createLogger(config.logLevel);
  // A running Roster keeps its embedded store; this goes through it.
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger, share: 'reach' });
  try {
    const { prisma } = database;
    const namedId = named ? await accountNamed(prisma, named) : undefined;
    if (named && !namedId) throw new Refusal(`There is no account ${named}.`);
    const accounts = await findConsoleAccounts(prisma, namedId);
    const account = accounts[0];
    if (!account) throw new Refusal('The store has no account yet: start Roster once (npm start) first.');
    if (accounts.length > 1) throw new Refusal(`This Roster serves several accounts: say which with --account. ${USAGE}`);
    // Many workspaces: the account's own bot token, from its installation (none once uninstalled).
    const installed = account.installation;
    const secrets = config.rosterSecret && { current: config.rosterSecret, previous: config.previousRosterSecret };
    const botToken = installed
      ? secrets && openWithSecrets(installed.sealed, secrets, installed.installKey)?.installation.bot?.token
      : config.slack.botToken;
    const slack = consoleSlackClient(config, logger);
    const shared = { config, prisma, clock: systemClock, logger, mailer: mailerFor(config), slack };
    const { services } = createAccountScope(shared, account, botToken || '');
    const actor = consoleActor();
    const change = { kind: 'recover-owner' as const, user: { email }, from: account.ownerId };
    // The same change, applied and rolled back: every refusal comes from the change layer itself.
    const { result: plan } = await services.changes.preview(actor, change);
    const previous = plan.previousOwner ? `${plan.previousOwner.email} (${plan.previousOwner.state})` : 'nobody';
    io.out('Recover the account owner:');
    io.out(`  current owner: ${previous}`);
    io.out(`  new owner:     ${email}${plan.madeAdmin ? ', who becomes an Admin' : ' (already an Admin)'}`);
    io.out('Every active Admin is told by Slack DM; the audit trail records it as the server console.');
    if (!yes && !(await confirmed(email, io))) throw new Refusal('Not confirmed: nothing changed.');
    const submitted = await services.changes.submit(actor, change);
    if (submitted.status !== 'done') throw new Error('a console change never waits for approval');
    const done: OwnerRecovery = submitted.result;
    io.out(`Done: ${done.card.email} now owns the account instead of ${previous}.`);
    for (const line of noticeLines(done.notice)) io.out(line);
  } finally {
    await database.close();
  }
}
