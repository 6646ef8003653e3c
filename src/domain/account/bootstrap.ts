/**
 * First start and every start: the account, its role catalog, the built-in groups, and
 * (when the directory is empty) the owner. Safe when several replicas start at once.
 */

import { lockBootstrap } from '../../store/accounts/account-locks';
import { findOldestAccount } from '../../store/accounts/account-reads';
import { createAccount, setAccountOwner } from '../../store/accounts/account-writes';
import type { Account } from '../../store/records';
import { getRoleByKey } from '../../store/roles/role-reads';
import { lockAccount, type Store, transaction } from '../../store/tx';
import { createOwnerUser } from '../../store/users/owner-and-slack-link-writes';
import { countAccountUsers } from '../../store/users/user-reads';
import { systemActor } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import type { Clock } from '../clock';
import { ADMIN_ROLE, type Catalog } from '../roles/catalog';
import { applyCatalog } from './apply-catalog';

export const ALL_USERS_GROUP = 'All Users';
export const DEFAULT_GROUP = 'Default';

export interface BootstrapResult {
  accountId: string;
  createdOwner: string | null;
}

/** Ensures the account exists and matches the catalog; creates the owner on an empty directory. */
export async function bootstrapAccount(deps: {
  prisma: Store;
  /** The catalog an account uses: the one its owner chose in Settings, else the deployment's. */
  catalogOf: (account: Account) => Catalog;
  ownerEmail?: string;
  /** The error for a first start without an owner's address: the caller knows where the address comes from. */
  ownerMissing: () => Error;
  clock: Clock;
  audit: (accountId: string) => AuditService;
}): Promise<BootstrapResult> {
  const { prisma, ownerEmail, clock } = deps;
  return transaction(prisma, async (tx) => {
    // One bootstrap at a time across replicas; released when the transaction ends.
    await lockBootstrap(tx);
    const account = (await findOldestAccount(tx)) ?? (await createAccount(tx, 'Roster account'));
    const accountId = account.id;

    // The catalog's writes bump the account row (its catalog version): take its lock first, as changes do,
    // so a replica starting while another changes the directory waits instead of deadlocking.
    await lockAccount(tx, accountId);
    await applyCatalog(tx, accountId, deps.catalogOf(account));

    if ((await countAccountUsers(tx, accountId)) > 0) return { accountId, createdOwner: null };
    if (!ownerEmail) throw deps.ownerMissing();
    const adminRole = await getRoleByKey(tx, accountId, ADMIN_ROLE);
    const owner = await createOwnerUser(tx, { accountId, email: ownerEmail, acceptedAt: clock.now(), adminRoleId: adminRole.id });
    await setAccountOwner(tx, accountId, owner.id);
    await deps.audit(accountId).record(tx, systemActor('system'), {
      action: 'owner.created',
      target: { id: owner.id, email: owner.email },
      after: { status: 'active', roles: [ADMIN_ROLE], owner: true },
    });
    return { accountId, createdOwner: owner.email };
  });
}
