/**
 * The follow-ups of issuing a secret, submitted after the issuing change committed and its secret was
 * (or could not be) delivered (credential-handoff.ts, scim-changes.ts): a new API key or passcode that
 * reached its holder replaces their current one, and a SCIM token that reached nobody is ended. The
 * issuing change was permitted (and approved) already, so these need no permission and never wait for
 * approval (approval-policy.ts); they name the secret by its pending row or its hash, never itself.
 * Neither bumps a version nor writes an audit entry (the issuing change recorded what happened).
 */

import { claimPendingCredential, deleteRevealsOfKind } from '../../store/credentials/credential-handoff-rows';
import { findPendingCredential } from '../../store/credentials/credential-reads';
import { installApiKey, installPasscode } from '../../store/credentials/credential-writes';
import { deleteScimToken } from '../../store/sign-in/scim-token-writes';
import { findUserStatus } from '../../store/users/user-reads';
import { type Applied, type ChangeHandler, touchingNoUser } from './change-handler';
import type { DirectoryChange } from './directory-change';

/** A follow-up touches no user's record as the directory versions it. */
function followUp<R>(result: R, stored: DirectoryChange, summary: string, outcome: string): Applied<R> {
  return touchingNoUser(result, { stored, summary, outcome, audit: [] });
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
    const pending = await findPendingCredential(tx, change.pending);
    if (!pending || pending.accountId !== accountId) return followUp(false, change, summary, 'Nothing to switch on.');
    const claimed = await claimPendingCredential(tx, pending.id);
    if (claimed === 0) return followUp(false, change, summary, 'Nothing to switch on.');
    const user = await findUserStatus(tx, pending.userId);
    if (user?.status !== 'active') return followUp(false, change, summary, 'The holder is no longer active.');
    const now = context.clock.now();
    const { userId, secretHash } = pending;
    if (pending.kind === 'api-key') {
      await installApiKey(tx, { accountId, userId, prefix: pending.prefix ?? '', keyHash: secretHash, now });
    } else {
      const tenureDays = pending.tenureDays ?? 1;
      await installPasscode(tx, {
        accountId,
        userId,
        codeHash: secretHash,
        tenureDays,
        expiresAt: pending.expiresAt ?? now,
        now,
      });
    }
    await deleteRevealsOfKind(tx, userId, pending.kind, change.reveal);
    return followUp(true, change, summary, 'The delivered credential is switched on.');
  },
};

/** Ends the account's SCIM token with this hash (one whose delivery failed); nothing when it is no longer current. */
export const scimTokenEnd: ChangeHandler<'scim-token-end', { ended: boolean }> = {
  permissions: () => [],
  async apply(context, change) {
    const count = await deleteScimToken(context.tx, context.accountId, change.tokenHash);
    const ended = followUp({ ended: count > 0 }, change, 'End a SCIM token nobody received.', 'SCIM token ended.');
    // Every replica forgets the account's services, and with them the token they found current.
    const deliver = async (done: { ended: boolean }) => {
      context.settingsChanged(context.accountId);
      return done;
    };
    return { ...ended, deliver };
  },
};
