/**
 * Assets the managed product registers (dashboards, data-source tokens, …). Each has an owner;
 * some kinds are not transferable and need reconfiguring when their owner is deleted.
 */

import { fail } from '../../errors';
import type { PrismaClient } from '../../store/generated/client';
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

export function createAssetService(deps: { prisma: PrismaClient; accountId: string; audit: AuditService }) {
  const { prisma, accountId, audit } = deps;
  return {
    /**
     * Registers (or, with the same kind and externalId, updates) an asset. It belongs to the key's
     * holder unless `ownerEmail` names someone else, which needs a key with `users:manage`.
     */
    async register(caller: VerifiedHolder, input: AssetInput) {
      const ownerEmail = normaliseEmail(input.ownerEmail ?? caller.user.email);
      if (ownerEmail !== caller.user.email && !caller.permissions.includes('users:manage')) {
        throw fail.forbidden('Only a key with users:manage may register assets for someone else.', { field: 'ownerEmail' });
      }
      const owner = await prisma.user.findUnique({ where: { accountId_email: { accountId, email: ownerEmail } } });
      if (!owner || owner.status === 'revoked')
        throw fail.notFound(`No active user has the e-mail ${ownerEmail}.`, { field: 'ownerEmail' });
      const data = { kind: input.kind, name: input.name, ownerId: owner.id, transferable: input.transferable ?? true };
      return prisma.$transaction(async (tx) => {
        const asset = input.externalId
          ? await tx.asset.upsert({
              where: { accountId_kind_externalId: { accountId, kind: input.kind, externalId: input.externalId } },
              create: { accountId, externalId: input.externalId, ...data },
              update: data,
            })
          : await tx.asset.create({ data: { accountId, ...data } });
        await audit.record(
          tx,
          { ...systemActor('api'), email: caller.user.email, userId: caller.user.id },
          {
            action: 'asset.registered',
            target: { id: owner.id, email: owner.email, name: owner.name },
            after: { asset: asset.id, kind: asset.kind, name: asset.name, transferable: asset.transferable },
          },
        );
        return asset;
      });
    },
  };
}
