/**
 * The follow-ups of issuing a secret, submitted after the issuing change committed and its secret was
 * (or could not be) delivered (credential-handoff.ts, scim-changes.ts): a new API key or passcode that
 * reached its holder replaces their current one, and a SCIM token that reached nobody is ended. The
 * issuing change was permitted (and approved) already, so these need no permission and never wait for
 * approval (approval-policy.ts); they name the secret by its pending row or its hash, never itself.
 * Neither bumps a version nor writes an audit entry (the issuing change recorded what happened).
 */
import type { Applied, ChangeHandler } from './change-handler';
import type { DirectoryChange } from './directory-change';

/** A follow-up touches no user's record as the directory versions it. */
function followUp<R>(result: R, stored: DirectoryChange, summary: string, outcome: string): Applied<R> {
  return { result, stored, summary, outcome, touched: [], targets: [], gains: [], facts: { users: 0 }, audit: [] };
}

/**
 * Makes a pending credential its holder's current one; false when it is gone (a revoke deleted it, or
 * another delivery claimed it) or the holder is no longer active. The reveal link it was e-mailed
 * with (`reveal`) stays; older ones of its kind would show a secret that no longer works.
 */
export const credentialActivate: ChangeHandler<'credential-activate', boolean> = {
  permissions: () => [],
  async apply(context, change) {
    const { tx, accountId } = context;
    const summary = 'Switch on a delivered credential.';
    const pending = await tx.pendingCredential.findUnique({ where: { id: change.pending } });
    if (!pending || pending.accountId !== accountId) return followUp(false, change, summary, 'Nothing to switch on.');
    const claimed = await tx.pendingCredential.deleteMany({ where: { id: pending.id } });
    if (claimed.count === 0) return followUp(false, change, summary, 'Nothing to switch on.');
    const user = await tx.user.findUnique({ where: { id: pending.userId }, select: { status: true } });
    if (user?.status !== 'active') return followUp(false, change, summary, 'The holder is no longer active.');
    const now = context.clock.now();
    if (pending.kind === 'api-key') {
      const data = { prefix: pending.prefix ?? '', keyHash: pending.secretHash, createdAt: now, lastUsedAt: null };
      await tx.apiKey.upsert({
        where: { userId: pending.userId },
        create: { accountId, userId: pending.userId, ...data },
        update: data,
      });
    } else {
      const data = {
        codeHash: pending.secretHash,
        tenureDays: pending.tenureDays ?? 1,
        status: 'active' as const,
        expiresAt: pending.expiresAt ?? now,
        createdAt: now,
        lastUsedAt: null,
      };
      await tx.passcode.upsert({
        where: { userId: pending.userId },
        create: { accountId, userId: pending.userId, ...data },
        update: data,
      });
    }
    await tx.secretReveal.deleteMany({
      where: { userId: pending.userId, kind: pending.kind, ...(change.reveal ? { id: { not: change.reveal } } : {}) },
    });
    return followUp(true, change, summary, 'The delivered credential is switched on.');
  },
};

/** Ends the account's SCIM token with this hash (one whose delivery failed); nothing when it is no longer current. */
export const scimTokenEnd: ChangeHandler<'scim-token-end', { ended: boolean }> = {
  permissions: () => [],
  async apply(context, change) {
    const { count } = await context.tx.scimToken.deleteMany({
      where: { accountId: context.accountId, tokenHash: change.tokenHash },
    });
    return followUp({ ended: count > 0 }, change, 'End a SCIM token nobody received.', 'SCIM token ended.');
  },
};
