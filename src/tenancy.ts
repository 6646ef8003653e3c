/**
 * Which accounts this deployment serves, and how a Slack request finds its own. Two modes:
 * - one workspace (SLACK_BOT_TOKEN): one account, bootstrapped at start, the token from the environment;
 * - many workspaces (Slack's OAuth install): an account per installed workspace or organization, its
 *   token sealed in the store, created on first install and dormant (no token) after an uninstall.
 */
import type { Installation, InstallationStore } from '@slack/oauth';
import { WebClient } from '@slack/web-api';
import { type AccountRegistry, createAccountRegistry } from './account-registry';
import { configErrorMessage, describeVariable } from './config';
import { type AccountScope, createAccountScope, type SharedDeps, settingsOf } from './create-account-scope';
import { systemActor } from './domain/access/actor';
import { bootstrapAccount } from './domain/account/bootstrap';
import { freeSlug, provisionWorkspace } from './domain/account/provision-workspace';
import { createAuditService } from './domain/audit/audit-service';
import { ConfigError } from './errors';
import type { SlackSource } from './slack/app';
import { boltLogger } from './slack/bolt-logger';
import { createInstallationStore, installKeyOf, openWithSecrets, sealInstallation } from './slack/installation-store';
import { slackApiFor } from './slack/slack-api';
import { slackClientOptions } from './slack/slack-client-options';
import { slackIdentity } from './slack/slack-identity';
import { listenForAccountChanges } from './store/account-signals';
import {
  deleteInstallation,
  findAccountIdByInstallKey,
  findInstallationTime,
  resealInstallation,
} from './store/accounts/account-installations';
import { lockInstallKey } from './store/accounts/account-locks';
import { findAccount, findAccountWithInstallation, getAccount } from './store/accounts/account-reads';
import { bindAccountToTeam, renameAccountOfTeam, setAccountSlugIfUnset } from './store/accounts/account-writes';
import { isPostgresUrl } from './store/database';
import type { Account } from './store/records';
import { transaction } from './store/tx';

/** An account as served, with its Slack installation in distributed mode. */
export type ServedAccount = AccountScope & { installation: Installation | null };

export interface Tenancy {
  distributed: boolean;
  accounts: AccountRegistry<ServedAccount>;
  /** Single-workspace mode: the one account. */
  defaultAccountId?: string;
  /** The account of the workspace or organization a Slack request came from, or null. */
  forSlack(source: SlackSource): Promise<ServedAccount | null>;
  installationStore?: InstallationStore;
  /** Slack says the app was uninstalled (or its bot token revoked) at `happenedAt`. */
  uninstalled(source: SlackSource, happenedAt?: Date): Promise<void>;
  /** The account the scheduler visits, when it is served (installed); null otherwise. */
  scheduled(accountId: string): Promise<ServedAccount | null>;
  /** Stops listening for other replicas' account changes. */
  close(): Promise<void>;
}

/**
 * How long this replica keeps an account's installation and services at most; every replica forgets an
 * account at once when it changes (account signals), so this is only a safety net.
 */
export const ACCOUNT_CACHE_MS = 5 * 60_000;
// How many accounts it keeps read at once is ACCOUNT_CACHE_SIZE (config.ts).

/**
 * How many accounts a replica keeps built (their services: about 40 KB of heap each, measured), the most
 * recently served; others are built again from what was read when their next request comes.
 */
export const BUILT_ACCOUNTS = 1_000;

/**
 * The signals that tell every replica an account changed, wired to a registry created after them
 * (a signal that arrives first finds nothing to forget), and the shared dependencies whose services
 * announce their account's settings changes.
 */
async function signalsFor(shared: SharedDeps) {
  let registry: AccountRegistry<ServedAccount> | undefined;
  const signals = await listenForAccountChanges({
    databaseUrl: isPostgresUrl(shared.config.databaseUrl) ? shared.config.databaseUrl : undefined,
    logger: shared.logger,
    changed: (accountId) => registry?.forget(accountId),
    lost: () => registry?.forgetAll(),
  });
  const announce = async (accountId: string) => {
    await signals.announce(shared.prisma, accountId).catch((err: unknown) => {
      shared.logger.error({ err, accountId }, 'could not tell the other replicas that an account changed');
    });
  };
  return {
    signals,
    announce,
    scoped: { ...shared, accountChanged: announce } satisfies SharedDeps,
    serve: (accounts: AccountRegistry<ServedAccount>) => {
      registry = accounts;
    },
  };
}

export async function singleWorkspace(shared: SharedDeps): Promise<Tenancy> {
  const { config, prisma, clock, logger } = shared;
  const botToken = config.slack.botToken as string;
  const { accountId, createdOwner } = await bootstrapAccount({
    prisma,
    catalogOf: (account) => settingsOf(account, config).catalog,
    ownerEmail: config.ownerEmail,
    ownerMissing: () =>
      new ConfigError(
        configErrorMessage([`${describeVariable('OWNER_EMAIL', 'missing')} The first start needs it to create the owner.`]),
      ),
    clock,
    audit: (id) => createAuditService({ db: prisma, accountId: id, clock }),
  });
  if (createdOwner) logger.info({ owner: createdOwner }, 'created the account owner');

  // Its own quiet client: a failure is reported in one line, not as one warning per retry.
  const identity = await slackIdentity(
    new WebClient(botToken, {
      ...slackClientOptions(config.slack.apiUrl),
      logger: boltLogger(logger.child({}, { level: 'silent' })),
    }),
    config.slack.apiUrl,
  );
  const teamId = identity.teamId;
  if (teamId) await bindAccountToTeam(prisma, accountId, teamId);
  // The account is named after its workspace (shown on invite and password pages); a rename follows on the next start.
  if (identity.teamName) await renameAccountOfTeam(prisma, accountId, teamId, identity.teamName);
  const account = await getAccount(prisma, accountId);
  if (teamId && account.slackTeamId && account.slackTeamId !== teamId) {
    throw new ConfigError(
      `Roster cannot start: this directory belongs to Slack workspace ${account.slackTeamId}, but SLACK_BOT_TOKEN is for ${teamId}.`,
    );
  }
  if (!account.slug) await setAccountSlugIfUnset(prisma, accountId, await freeSlug(prisma, account.name));

  const { signals, scoped, serve } = await signalsFor(shared);
  const accounts = createAccountRegistry<Account, ServedAccount>({
    accountOf: async (key) => (!teamId || key === teamId ? accountId : null),
    read: async (id) => (id === accountId ? await findAccount(prisma, id) : null),
    build: (row) => ({ ...createAccountScope(scoped, row, botToken), installation: null }),
    ttlMs: ACCOUNT_CACHE_MS,
    maxAccounts: shared.config.accountCacheSize,
    maxBuilt: BUILT_ACCOUNTS,
  });
  serve(accounts);
  return {
    distributed: false,
    accounts,
    defaultAccountId: accountId,
    // A request from another workspace than the token's is refused.
    forSlack: async (source) => (teamId && source.teamId && source.teamId !== teamId ? null : accounts.forId(accountId)),
    async uninstalled() {
      logger.warn(
        'Slack says Roster was uninstalled from this workspace: SLACK_BOT_TOKEN no longer works until the app is reinstalled',
      );
    },
    scheduled: async (id) => (id === accountId ? accounts.forId(accountId) : null),
    close: () => signals.close(),
  };
}

export async function distributedTenancy(shared: SharedDeps): Promise<Tenancy> {
  const { config, prisma, clock, logger } = shared;
  const { signals, announce, scoped, serve } = await signalsFor(shared);
  const secret = config.rosterSecret as string;
  const audit = (accountId: string) => createAuditService({ db: prisma, accountId, clock });

  /**
   * Opens a stored installation with ROSTER_SECRET, or with ROSTER_SECRET_PREVIOUS while moving to a
   * new secret: then it is sealed anew with the current one (conditional on the row read, so two
   * replicas reseal it once), and the previous secret is no longer needed for it. `updatedAt` stays
   * the install's time: uninstall events are judged against it.
   */
  async function openStored(stored: { installKey: string; sealed: string; updatedAt: Date }): Promise<Installation | null> {
    const opened = openWithSecrets(stored.sealed, { current: secret, previous: config.previousRosterSecret }, stored.installKey);
    if (opened?.previous) {
      const resealed = sealInstallation(opened.installation, secret, stored.installKey);
      await resealInstallation(prisma, stored.installKey, stored.sealed, resealed, stored.updatedAt);
    }
    return opened?.installation ?? null;
  }

  const accounts = createAccountRegistry<{ account: Account; installation: Installation | null }, ServedAccount>({
    accountOf: (installKey) => findAccountIdByInstallKey(prisma, installKey),
    read: async (accountId) => {
      const row = await findAccountWithInstallation(prisma, accountId);
      if (!row) return null;
      const { installation: stored, ...account } = row;
      const installation = stored ? await openStored(stored) : null;
      if (stored && !installation) logger.error({ accountId }, 'a Slack installation does not open with ROSTER_SECRET');
      return { account, installation };
    },
    // Uninstalled: the directory still answers the web pages, the API and SCIM; Slack calls have no token.
    build: ({ account, installation }) => ({
      ...createAccountScope(scoped, account, installation?.bot?.token ?? ''),
      installation,
    }),
    ttlMs: ACCOUNT_CACHE_MS,
    maxAccounts: shared.config.accountCacheSize,
    maxBuilt: BUILT_ACCOUNTS,
  });
  serve(accounts);

  /**
   * Drops a workspace's installation (its tokens). Slack retries these events for an hour and in any
   * order, so an event older than the installation (a reinstall since) leaves it alone.
   */
  async function uninstall(installKey: string, happenedAt?: Date): Promise<void> {
    const accountId = await transaction(prisma, async (tx) => {
      await lockInstallKey(tx, installKey);
      const row = await findInstallationTime(tx, installKey);
      // Slack's event times are whole seconds.
      if (!row || (happenedAt && row.updatedAt.getTime() > happenedAt.getTime() + 1000)) return null;
      await deleteInstallation(tx, installKey);
      await audit(row.accountId).record(tx, systemActor('system'), {
        action: 'account.uninstalled',
        after: { installed: false, workspace: installKey },
      });
      return row.accountId;
    });
    if (!accountId) return;
    await announce(accountId);
    logger.info({ accountId }, 'Roster was uninstalled from a workspace: its tokens are gone, its directory is kept');
  }

  /** The account installed where a Slack request came from; an uninstalled one serves Slack nothing. */
  async function forSlack(source: SlackSource): Promise<ServedAccount | null> {
    const key = installKeyOf(source);
    const scope = key ? await accounts.forInstallKey(key) : null;
    return scope?.installation ? scope : null;
  }

  return {
    distributed: true,
    accounts,
    forSlack,
    installationStore: createInstallationStore({
      secret,
      clientFor: (token) => slackApiFor(shared.slack, token),
      provision: async (install) => {
        const result = await provisionWorkspace({ prisma, catalog: config.catalog, clock, audit }, install);
        await announce(result.accountId);
        logger.info({ accountId: result.accountId, created: result.created }, 'Roster was installed in a workspace');
        return result;
      },
      installation: async (installKey) => (await accounts.forInstallKey(installKey))?.installation ?? null,
      uninstall,
    }),
    async uninstalled(source, happenedAt) {
      const key = installKeyOf(source);
      if (key) await uninstall(key, happenedAt);
    },
    async scheduled(accountId) {
      const scope = await accounts.forId(accountId);
      return scope?.installation ? scope : null;
    },
    close: () => signals.close(),
  };
}
