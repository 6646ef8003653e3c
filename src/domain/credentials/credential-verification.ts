/** Verifying an API key or passcode that the managed product was sent. */
import { findApiKeyByHash, findPasscodeByHash } from '../../store/credentials/credential-reads';
import type { Store } from '../../store/tx';
import type { Clock } from '../clock';
import { hashToken, sameSecret } from '../secrets';
import { stampApiKeyUse, stampPasscodeUse } from './usage-stamps';
import type { VerifiedHolder } from './verified-holder';

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
      return holder(key.userId);
    }
    const codeHash = hashToken(credential.passcode);
    const code = await findPasscodeByHash(prisma, codeHash);
    if (!code || code.accountId !== accountId || !sameSecret(code.codeHash, codeHash)) return null;
    if (code.status !== 'active' || code.expiresAt <= now || code.user.status !== 'active') return null;
    await stampPasscodeUse(prisma, code.id, now);
    return holder(code.userId);
  };
}
