/**
 * The owner's view of the account's webhooks: the list with each endpoint's delivery state, and a
 * test delivery. Registering, removing, replaying and resuming are changes (webhook-changes.ts).
 */
import { randomUUID } from 'node:crypto';
import { fail } from '../../errors';
import { findAccountOwner } from '../../store/accounts/account-reads';
import type { Store } from '../../store/tx';
import { findWebhookByUrl, listWebhooks, type WebhookListing } from '../../store/webhooks/webhook-rows';
import type { Actor } from '../access/actor';
import type { Clock } from '../clock';
import type { HolderMessenger, WebhookAnswer, WebhookPoster } from '../ports';
import { checkWebhookUrl } from './webhook-address';
import { testMessage } from './webhook-events';
import { requireWebhookOwner } from './webhook-owner';
import { type SecretKeys, signedHeaders } from './webhook-signing';

export type WebhookService = ReturnType<typeof createWebhookService>;

export function createWebhookService(deps: {
  prisma: Store;
  accountId: string;
  clock: Clock;
  keys: SecretKeys;
  allowPrivate: boolean;
  messenger: HolderMessenger;
  /** Absent where nothing is delivered (a console); `test` then refuses. */
  poster?: WebhookPoster;
}) {
  const { prisma, accountId } = deps;
  return {
    /** The account's endpoints, oldest first, for the owner. */
    async list(actor: Actor): Promise<WebhookListing[]> {
      await requireWebhookOwner(prisma, accountId, actor);
      return listWebhooks(prisma, accountId);
    },

    /** Sends one signed `webhook.test` message to the endpoint at `url` now, outside its stream, and says how it answered. */
    async test(actor: Actor, url: string): Promise<{ url: string; answer: WebhookAnswer }> {
      await requireWebhookOwner(prisma, accountId, actor);
      const endpoint = await findWebhookByUrl(prisma, accountId, checkWebhookUrl(url, deps.allowPrivate));
      if (!endpoint) throw fail.notFound(`No webhook is registered at ${url}; see \`/users webhook list\`.`, { field: 'url' });
      const secret = deps.keys.open(endpoint.secretSealed, endpoint.id);
      if (!secret) {
        throw fail.invalidState(
          `The signing secret of ${endpoint.url} does not open with this ROSTER_SECRET; remove the webhook and add it again.`,
        );
      }
      if (!deps.poster) throw fail.invalidState('This Roster sends no webhooks.');
      const now = deps.clock.now();
      const message = testMessage(accountId, `test_${randomUUID()}`, now, actor.email);
      return {
        url: endpoint.url,
        answer: await deps.poster.post(endpoint.url, signedHeaders(secret, message, now), message.body),
      };
    },

    /** Tells the owner by DM that deliveries to `url` were paused after 24 hours of failures (the dispatcher recorded it). */
    async paused(url: string, lastError: string): Promise<void> {
      const owner = await findAccountOwner(prisma, accountId);
      if (!owner) return;
      const text = `:warning: Roster stopped sending events to ${url}: it has failed for 24 hours (last: ${lastError}). Nothing is lost, the events wait. Once the endpoint works, run \`/users webhook resume ${url}\`.`;
      await deps.messenger.send(owner, text);
    },
  };
}
