/** Webhooks are the owner's: who may register, list, test or replay them. */
import { fail } from '../../errors';
import { findAccountOwner } from '../../store/accounts/account-reads';
import type { Db } from '../../store/tx';
import type { Actor } from '../access/actor';

/** The owner's addresses when `actor` is the owner; otherwise a refusal naming the owner. */
export async function requireWebhookOwner(
  db: Db,
  accountId: string,
  actor: Actor,
): Promise<{ email: string; slackUserId: string | null }> {
  const owner = await findAccountOwner(db, accountId);
  if (!owner || !actor.userId || owner.id !== actor.userId) {
    throw fail.forbidden(
      owner
        ? `Only the account owner (${owner.email}) manages webhooks. Ask them to.`
        : 'Only the account owner manages webhooks, and the account has none. Recover ownership first.',
    );
  }
  return owner;
}
