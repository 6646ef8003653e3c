/**
 * The owner's webhook endpoints (`/users webhook add | remove | replay | resume`): the account's audit
 * trail as a signed event stream (src/domain/webhooks/). Only the owner registers where the trail goes.
 * A new endpoint starts after the last event recorded so far; its signing secret is shown once, to the
 * owner, by DM, and an endpoint whose secret reached nobody is removed again (a `webhook-end` change).
 */
import { randomUUID } from 'node:crypto';
import { fail } from '../../errors';
import { lastAuditSeq } from '../../store/audit/audit-pages';
import type { Tx } from '../../store/tx';
import {
  countWebhooks,
  deleteWebhook,
  findWebhookByUrl,
  insertWebhook,
  lastEventBefore,
  listWebhooks,
  resumeWebhook,
  rewindWebhooks,
} from '../../store/webhooks/webhook-rows';
import { checkWebhookUrl } from '../webhooks/webhook-address';
import { requireWebhookOwner } from '../webhooks/webhook-owner';
import { newSigningSecret, secretHint } from '../webhooks/webhook-signing';
import { type Applied, type ChangeHandler, touchingNoUser } from './change-handler';
import type { DirectoryChange } from './directory-change';

/** The most endpoints an account may register. */
export const MAX_WEBHOOKS = 10;

/** A registered endpoint, as `add` reports it. */
export interface WebhookAddResult {
  url: string;
  events: string[];
  secretHint: string;
  /** Whether the secret reached the owner; when not, the endpoint was removed again. */
  delivered: boolean;
}

/** The endpoint a command names by its URL, or a refusal that says how to find it. */
async function endpointNamed(tx: Tx, accountId: string, url: string, allowPrivate: boolean) {
  const endpoint = await findWebhookByUrl(tx, accountId, checkWebhookUrl(url, allowPrivate));
  if (!endpoint) throw fail.notFound(`No webhook is registered at ${url}; see \`/users webhook list\`.`, { field: 'url' });
  return endpoint;
}

/** A webhook change touches no user; what approvers and the report read is the one summary. */
function configChange<R>(result: R, stored: DirectoryChange, summary: string, audit: Applied<R>['audit']): Applied<R> {
  return touchingNoUser(result, { stored, summary, outcome: summary, audit });
}

export const webhookAdd: ChangeHandler<'webhook-add', WebhookAddResult> = {
  // Not a permission: only the owner, checked against the account row under the lock.
  permissions: () => [],
  async apply(context, change) {
    const { tx, accountId, actor, clock } = context;
    const owner = await requireWebhookOwner(tx, accountId, actor);
    const url = checkWebhookUrl(change.url, context.webhooks.allowPrivate);
    if (await findWebhookByUrl(tx, accountId, url)) {
      throw fail.conflict(`A webhook is already registered at ${url}. Remove it first to change its events.`, { field: 'url' });
    }
    if ((await countWebhooks(tx, accountId)) >= MAX_WEBHOOKS) {
      throw fail.invalidState(`An account has at most ${MAX_WEBHOOKS} webhooks; remove one first (\`/users webhook list\`).`);
    }
    const id = randomUUID();
    const secret = newSigningSecret();
    const now = clock.now();
    await insertWebhook(tx, {
      id,
      accountId,
      url,
      events: change.events,
      secretSealed: context.webhooks.keys.seal(secret, id),
      secretPrefix: secretHint(secret),
      // From the next event on (under the account lock, nothing is recorded meanwhile).
      cursor: await lastAuditSeq(tx, accountId),
      createdById: actor.userId,
      nextAttemptAt: now,
      createdAt: now,
    });
    const result: WebhookAddResult = { url, events: change.events, secretHint: secretHint(secret), delivered: false };
    return {
      ...configChange(result, change, `Send the audit trail to ${url}.`, [
        { action: 'webhook.added', after: { url, events: change.events, secret: secretHint(secret) } },
      ]),
      deliver: async (done) => {
        const text = `The signing secret of the webhook ${url}. It is shown only this once; your receiver checks each delivery's \`webhook-signature\` with it (Standard Webhooks):\n\`${secret}\``;
        const sent = await context.messenger.send(owner, text).catch(() => false);
        if (!sent) await context.endWebhook(id);
        return { ...done, delivered: sent };
      },
    };
  },
};

export const webhookRemove: ChangeHandler<'webhook-remove', { url: string }> = {
  permissions: () => [],
  async apply(context, change) {
    const { tx, accountId, actor } = context;
    await requireWebhookOwner(tx, accountId, actor);
    const endpoint = await endpointNamed(tx, accountId, change.url, context.webhooks.allowPrivate);
    await deleteWebhook(tx, accountId, endpoint.id);
    return configChange({ url: endpoint.url }, change, `Stop sending the audit trail to ${endpoint.url}.`, [
      { action: 'webhook.removed', before: { url: endpoint.url, events: endpoint.events } },
    ]);
  },
};

/** What a replay did: the endpoints rewound and the events they will receive again (of every action). */
export interface WebhookReplayResult {
  urls: string[];
  since: Date;
  events: number;
}

const SPAN_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The time a replay starts from: `since` itself, or that span before `now`. */
function sinceOf(since: string, now: Date): Date {
  const span = /^(\d+)([mhd])$/.exec(since);
  if (!span) return new Date(since);
  return new Date(now.getTime() - Number(span[1]) * SPAN_MS[span[2] as keyof typeof SPAN_MS]);
}

export const webhookReplay: ChangeHandler<'webhook-replay', WebhookReplayResult> = {
  permissions: () => [],
  async apply(context, change) {
    const { tx, accountId, actor, clock } = context;
    await requireWebhookOwner(tx, accountId, actor);
    const since = sinceOf(change.since, clock.now());
    const endpoints = change.url
      ? [await endpointNamed(tx, accountId, change.url, context.webhooks.allowPrivate)]
      : await listWebhooks(tx, accountId);
    if (endpoints.length === 0) throw fail.invalidState('No webhook is registered; add one with `/users webhook add <url>`.');
    const cursor = await lastEventBefore(tx, accountId, since);
    await rewindWebhooks(
      tx,
      accountId,
      endpoints.map((e) => e.id),
      cursor,
      clock.now(),
    );
    const last = await lastAuditSeq(tx, accountId);
    const urls = endpoints.map((e) => e.url);
    return configChange(
      { urls, since, events: Number(last - cursor) },
      change,
      `Send again what happened since ${since.toISOString()}.`,
      [{ action: 'webhook.replayed', after: { urls, since: since.toISOString() } }],
    );
  },
};

export const webhookResume: ChangeHandler<'webhook-resume', { url: string }> = {
  permissions: () => [],
  async apply(context, change) {
    const { tx, accountId, actor, clock } = context;
    await requireWebhookOwner(tx, accountId, actor);
    const endpoint = await endpointNamed(tx, accountId, change.url, context.webhooks.allowPrivate);
    // Paused, or failing and waiting for its next attempt: either way the next attempt is now.
    if (!endpoint.pausedAt && endpoint.attempts === 0) {
      throw fail.invalidState(`The webhook ${endpoint.url} is neither paused nor failing: nothing to resume.`, { field: 'url' });
    }
    await resumeWebhook(tx, accountId, endpoint.id, clock.now());
    return configChange({ url: endpoint.url }, change, `Resume deliveries to ${endpoint.url}.`, [
      { action: 'webhook.resumed', after: { url: endpoint.url } },
    ]);
  },
};

/** Removes an endpoint whose signing secret reached nobody (a follow-up of `webhook-add`). */
export const webhookEnd: ChangeHandler<'webhook-end', { ended: boolean }> = {
  permissions: () => [],
  async apply(context, change) {
    const ended = await deleteWebhook(context.tx, context.accountId, change.id);
    return configChange({ ended }, change, 'Remove a webhook whose secret reached nobody.', [
      ...(ended ? [{ action: 'webhook.removed', before: { id: change.id, reason: 'secret not delivered' } }] : []),
    ]);
  },
};
