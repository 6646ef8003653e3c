/**
 * Slack's OAuth install of a workspace (or of an Enterprise Grid organization, org-wide): the first
 * install creates the account, with the installing person as its owner and an Admin, and the role
 * catalog and built-in groups; a reinstall replaces the installation and keeps the directory.
 * Two installs of one workspace at once make one account.
 */
import { randomBytes } from 'node:crypto';
import { saveInstallation } from '../../store/accounts/account-installations';
import { lockInstallKey } from '../../store/accounts/account-locks';
import { findAccountBySlackHome, isSlugTaken, type SlackHome } from '../../store/accounts/account-reads';
import { createInstalledAccount, renameAccount, setAccountOwner } from '../../store/accounts/account-writes';
import { getRoleByKey } from '../../store/roles/role-reads';
import { type Db, isUniqueViolation, type Store, transaction } from '../../store/tx';
import { createOwnerUser } from '../../store/users/owner-and-slack-link-writes';
import { systemActor } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import type { Clock } from '../clock';
import { ADMIN_ROLE, type Catalog } from '../roles/catalog';
import { applyCatalog } from './apply-catalog';

/** Who and what was installed, as Slack's OAuth exchange and `users.info` told it. */
export interface WorkspaceInstall {
  /** `T…` of a workspace install or `E…` of an org-wide install: what later requests are matched by. */
  installKey: string;
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  name: string;
  installer: { slackUserId: string; email: string; name: string | null };
  /** The whole installation, sealed by the caller (it holds the bot token). */
  sealed: string;
}

export interface ProvisionResult {
  accountId: string;
  created: boolean;
}

type ProvisionDeps = { prisma: Store; catalog: Catalog; clock: Clock; audit: (accountId: string) => AuditService };

export async function provisionWorkspace(deps: ProvisionDeps, install: WorkspaceInstall): Promise<ProvisionResult> {
  // Two workspaces of the same name installing at the same moment may pick the same identifier:
  // the second tries again with the first one's taken.
  for (let attempt = 1; ; attempt++) {
    try {
      return await provisionOnce(deps, install);
    } catch (error) {
      if (attempt >= 3 || !isUniqueViolation(error)) throw error;
    }
  }
}

async function provisionOnce(deps: ProvisionDeps, install: WorkspaceInstall): Promise<ProvisionResult> {
  return transaction(deps.prisma, async (tx) => {
    // One install of a given workspace at a time across replicas; released when the transaction ends.
    await lockInstallKey(tx, install.installKey);
    const home: SlackHome = install.isEnterpriseInstall
      ? { slackEnterpriseId: install.enterpriseId ?? install.installKey }
      : { slackTeamId: install.teamId ?? install.installKey };
    const existing = await findAccountBySlackHome(tx, home);
    const account = existing ?? (await createInstalledAccount(tx, home, install.name, await freeSlug(tx, install.name)));
    if (existing && existing.name !== install.name) await renameAccount(tx, existing.id, install.name);
    const accountId = account.id;
    await saveInstallation(tx, accountId, {
      installKey: install.installKey,
      teamId: install.teamId,
      enterpriseId: install.enterpriseId,
      isEnterpriseInstall: install.isEnterpriseInstall,
      installerSlackId: install.installer.slackUserId,
      sealed: install.sealed,
    });
    const audit = deps.audit(accountId);
    if (existing) {
      await audit.record(tx, systemActor('system'), {
        action: 'account.reinstalled',
        target: { id: null, email: install.installer.email },
        after: { installedBy: install.installer.email },
      });
      return { accountId, created: false };
    }

    await applyCatalog(tx, accountId, deps.catalog);
    const adminRole = await getRoleByKey(tx, accountId, ADMIN_ROLE);
    const owner = await createOwnerUser(tx, {
      accountId,
      email: install.installer.email,
      name: install.installer.name,
      slackUserId: install.installer.slackUserId,
      acceptedAt: deps.clock.now(),
      adminRoleId: adminRole.id,
    });
    await setAccountOwner(tx, accountId, owner.id);
    await audit.record(tx, systemActor('system'), {
      action: 'owner.created',
      target: { id: owner.id, email: owner.email },
      after: { status: 'active', roles: [ADMIN_ROLE], owner: true, installedFrom: install.installKey },
    });
    return { accountId, created: true };
  });
}

/** A short, readable, unused identifier from the workspace's name: `acme`, or `acme-3f9a` when taken. */
export async function freeSlug(db: Db, name: string): Promise<string> {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 30) || 'account';
  for (let candidate = base; ; candidate = `${base}-${randomBytes(2).toString('hex')}`) {
    if (!(await isSlugTaken(db, candidate))) return candidate;
  }
}
