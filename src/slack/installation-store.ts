/**
 * @slack/oauth's installation store over Roster's database. An installation (bot token included) is
 * kept sealed with AES-256-GCM under a key derived from ROSTER_SECRET and bound to its workspace, is
 * opened only to call Slack, and is never logged. Storing the first installation of a workspace
 * creates its account; fetching goes through the account registry's cache.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import type { WorkspaceInstall } from '../domain/account/provision-workspace';
import { openSealed, SEAL_PURPOSE, sealSecret } from '../domain/credentials/secret-seal';
import { asStoreUnreachable } from '../store/store-unreachable';
import { withinAckBudget } from './ack-budget';
import type { SlackApi } from './slack-api';

/** `E…` for an org-wide install, else the workspace's `T…`: how requests find their installation. */
export function installKeyOf(query: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }): string | null {
  if (query.isEnterpriseInstall) return query.enterpriseId ?? null;
  return query.teamId ?? null;
}

/**
 * The bot id of the stand-in installation `fetchInstallation` gives while the store cannot be
 * reached: the app's first account middleware refuses every request that carries it, saying why.
 */
export const STORE_UNREACHABLE_BOT_ID = 'B-roster-store-unreachable';

/** An installation with no real token, for a request that arrived while the store could not be reached. */
function unreachableInstallation(query: InstallationQuery<boolean>): Installation {
  return {
    team: query.teamId ? { id: query.teamId } : undefined,
    enterprise: query.enterpriseId ? { id: query.enterpriseId } : undefined,
    isEnterpriseInstall: query.isEnterpriseInstall,
    user: { id: query.userId ?? '', token: undefined, scopes: undefined },
    bot: { id: STORE_UNREACHABLE_BOT_ID, userId: '', token: undefined, scopes: [] },
    // Without a token, as every installation Bolt is given (withoutTokens).
  } as unknown as Installation;
}

/**
 * What Bolt is given to authorize a request: the installation without its tokens. Bolt keeps a Web API
 * client for every workspace whose requests carry a token, and never lets one go; with none it hands
 * listeners its one tokenless client, and they call Slack through their account's (slack-api.ts).
 */
function withoutTokens(installation: Installation): Installation {
  const { bot, user } = installation;
  return {
    ...installation,
    bot: bot && { ...bot, token: undefined, refreshToken: undefined },
    user: { ...user, token: undefined, refreshToken: undefined },
  } as unknown as Installation;
}

export function sealInstallation(installation: Installation, secret: string, installKey: string): string {
  return sealSecret(JSON.stringify(installation), secret, installKey, SEAL_PURPOSE.installation);
}

/** The installation, or null when the sealed value does not open with this secret for this workspace. */
export function openInstallation(sealed: string, secret: string, installKey: string): Installation | null {
  const json = openSealed(sealed, secret, installKey, SEAL_PURPOSE.installation);
  return json ? (JSON.parse(json) as Installation) : null;
}

/**
 * Opens with ROSTER_SECRET, else (while moving to a new one) with ROSTER_SECRET_PREVIOUS; `previous`
 * says the installation is still sealed with the old secret. Null when neither opens it.
 */
export function openWithSecrets(
  sealed: string,
  secrets: { current: string; previous?: string },
  installKey: string,
): { installation: Installation; previous: boolean } | null {
  const current = openInstallation(sealed, secrets.current, installKey);
  if (current) return { installation: current, previous: false };
  const old = secrets.previous ? openInstallation(sealed, secrets.previous, installKey) : null;
  return old ? { installation: old, previous: true } : null;
}

export function createInstallationStore(deps: {
  secret: string;
  /** A Web API client for a token just granted (to ask Slack who installed). */
  clientFor: (token: string) => SlackApi;
  provision: (install: WorkspaceInstall) => Promise<{ accountId: string }>;
  /** The cached installation of a workspace or organization. */
  installation: (installKey: string) => Promise<Installation | null>;
  uninstall: (installKey: string) => Promise<void>;
}): InstallationStore {
  return {
    async storeInstallation(installation) {
      const isEnterpriseInstall = installation.isEnterpriseInstall === true;
      const installKey = installKeyOf({
        teamId: installation.team?.id,
        enterpriseId: installation.enterprise?.id,
        isEnterpriseInstall,
      });
      const token = installation.bot?.token;
      if (!installKey || !token) throw new Error('Slack did not grant a bot token for a workspace; install again.');
      // The installer becomes the owner: their e-mail, from Slack, with the new token.
      const info = await deps.clientFor(token).users.info({ user: installation.user.id });
      const email = info.user?.profile?.email?.trim().toLowerCase();
      if (!email) throw new Error('Slack did not give the installer’s e-mail (scope users:read.email); install again.');
      await deps.provision({
        installKey,
        teamId: installation.team?.id ?? null,
        enterpriseId: installation.enterprise?.id ?? null,
        isEnterpriseInstall,
        name: (isEnterpriseInstall ? installation.enterprise?.name : installation.team?.name)?.trim() || installKey,
        installer: {
          slackUserId: installation.user.id,
          email,
          name: info.user?.real_name?.trim() || info.user?.profile?.real_name?.trim() || null,
        },
        sealed: sealInstallation(installation as Installation, deps.secret, installKey),
      });
    },

    async fetchInstallation(query: InstallationQuery<boolean>) {
      const key = installKeyOf(query);
      let found: Installation | null;
      try {
        found = key ? await withinAckBudget(deps.installation(key)) : null;
      } catch (error) {
        // Bolt reads the installation before any middleware: a stand-in lets the request reach the one that says so.
        if (asStoreUnreachable(error)) return unreachableInstallation(query);
        throw error;
      }
      if (!found) throw new Error(`Roster is not installed in ${key ?? 'this workspace'}`);
      return withoutTokens(found);
    },

    async deleteInstallation(query: InstallationQuery<boolean>) {
      const key = installKeyOf(query);
      if (key) await deps.uninstall(key);
    },
  };
}
