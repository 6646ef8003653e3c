/** Verifying an API key or passcode that the managed product was sent. */
import { findApiKeyByHash, findPasscodeByHash } from '../../store/credentials/credential-reads';
import type { Store } from '../../store/tx';
import type { Clock } from '../clock';
import { hashToken, sameSecret } from '../secrets';
import { stampApiKeyUse, stampPasscodeUse } from './usage-stamps';
import { type HolderAccess, inheritedHolder, type VerifiedHolder } from './verified-holder';

/** The access stored on an inherited key; a key with none stored (or unreadable) may do nothing. */
function asAccess(stored: unknown): HolderAccess {
  const access = (stored ?? {}) as Partial<HolderAccess>;
  const list = <T>(value: T[] | undefined) => (Array.isArray(value) ? value : []);
  const partners = access.partners === 'all' || Array.isArray(access.partners) ? { partners: access.partners } : {};
  return {
    roles: list(access.roles),
    overriddenRoles: list(access.overriddenRoles),
    permissions: list(access.permissions),
    ...partners,
  };
}

/** Builds the check of an API key or passcode against the account's stored hashes. */
export function createCredentialVerifier(deps: {
  prisma: Store;
  accountId: string;
  clock: Clock;
  holder: (userId: string) => Promise<VerifiedHolder>;
}) {
  const { prisma, accountId, clock, holder } = deps;

  /** Verifies an API key or passcode: only an active holder's, unexpired; records its last use. */
  return async function verifyCredential(credential: { apiKey: string } | { passcode: string }): Promise<VerifiedHolder | null> {
    const now = clock.now();
    if ('apiKey' in credential) {
      const keyHash = hashToken(credential.apiKey);
      const key = await findApiKeyByHash(prisma, keyHash);
      if (!key || key.accountId !== accountId || !sameSecret(key.keyHash, keyHash) || key.user.status !== 'active') return null;
      await stampApiKeyUse(prisma, key.id, now);
      const heir = await holder(key.userId);
      // A key inherited from a deleted user answers as its heir, with no more than it could do before.
      return key.inheritedFromEmail === null
        ? heir
        : inheritedHolder(heir, asAccess(key.inheritedAccess), key.inheritedFromEmail);
    }
    const codeHash = hashToken(credential.passcode);
    const code = await findPasscodeByHash(prisma, codeHash);
    if (!code || code.accountId !== accountId || !sameSecret(code.codeHash, codeHash)) return null;
    if (code.status !== 'active' || code.expiresAt <= now || code.user.status !== 'active') return null;
    await stampPasscodeUse(prisma, code.id, now);
    return holder(code.userId);
  };
}
