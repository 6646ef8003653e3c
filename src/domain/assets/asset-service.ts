/**
 * Assets the managed product registers (dashboards, data-source tokens, …). Each has an owner;
 * some kinds are not transferable and need reconfiguring when their owner is deleted.
 */

import { fail } from '../../errors';
import { createAsset, lockAssetByExternalId, updateAsset } from '../../store/assets/asset-rows';
import { isUniqueViolation, lockAccount, type Store, transaction } from '../../store/tx';
import { findUserByEmail } from '../../store/users/user-reads';
import { systemActor } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import type { VerifiedHolder } from '../credentials/sign-in-service';
import { normaliseEmail } from '../email';

export interface AssetInput {
  kind: string;
  name: string;
  ownerEmail?: string;
  transferable?: boolean;
  externalId?: string;
}

export type AssetService = ReturnType<typeof createAssetService>;

export function createAssetService(deps: { prisma: Store; accountId: string; audit: AuditService }) {
  const { prisma, accountId, audit } = deps;
  return {
    /**
     * Registers (or, with the same kind and externalId, updates) an asset. It belongs to the key's
     * holder unless `ownerEmail` names someone else, which needs a key with `users:manage`. An existing
     * asset may be changed only by its owner or such an integration key.
     */
    async register(caller: VerifiedHolder, input: AssetInput, clientAddress?: string) {
      const ownerEmail = normaliseEmail(input.ownerEmail ?? caller.user.email);
      if (ownerEmail !== caller.user.email && !caller.permissions.includes('users:manage')) {
        throw fail.forbidden('Only a key with users:manage may register assets for someone else.', { field: 'ownerEmail' });
      }
      const owner = await findUserByEmail(prisma, accountId, ownerEmail);
      if (!owner || owner.status === 'revoked')
        throw fail.notFound(`No active user has the e-mail ${ownerEmail}.`, { field: 'ownerEmail' });
      const data = { kind: input.kind, name: input.name, ownerId: owner.id, transferable: input.transferable ?? true };
      const integration = caller.permissions.includes('users:manage');
      return transaction(prisma, async (tx) => {
        // The account first, as a deletion does before it moves assets (and the audit trigger bumps the
        // account row anyway): one lock order, so a registration and a deletion wait instead of deadlocking.
        await lockAccount(tx, accountId);
        // The existing asset, locked: only its owner or an integration key may change it.
        const existing = input.externalId ? await lockAssetByExternalId(tx, accountId, input.kind, input.externalId) : null;
        if (existing && existing.ownerId !== caller.user.id && !integration) {
          throw fail.forbidden('This asset belongs to someone else; only its owner or a key with users:manage may change it.', {
            field: 'externalId',
          });
        }
        const asset = existing
          ? await updateAsset(tx, existing.id, data)
          : await createAsset(tx, accountId, input.externalId, data).catch((error: unknown) => {
              // Two first registrations of one externalId at once: the loser is told to retry (then it updates).
              if (isUniqueViolation(error))
                throw fail.conflict('This asset was registered at the same moment; send the request again.', {
                  field: 'externalId',
                });
              throw error;
            });
        await audit.record(
          tx,
          { ...systemActor('api'), email: caller.user.email, userId: caller.user.id },
          {
            action: 'asset.registered',
            target: { id: owner.id, email: owner.email, name: owner.name },
            before: existing ? { owner: existing.ownerId } : undefined,
            after: {
              asset: asset.id,
              kind: asset.kind,
              name: asset.name,
              transferable: asset.transferable,
              owner: asset.ownerId,
            },
            clientAddress,
          },
        );
        return asset;
      });
    },
  };
}
