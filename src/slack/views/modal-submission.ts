/**
 * What every modal submission shares: reading Slack's `state.values`, the metadata a modal carries,
 * and one submit flow that returns field errors to the modal and reports everything else to the person.
 */

import type { AckFn, ViewOutput, ViewResponseAction } from '@slack/bolt';
import { z } from 'zod';
import type { Actor } from '../../domain/access/actor';
import { userFilterSchema } from '../../domain/changes/directory-change';
import { NO_ACCESS } from '../../domain/roles/resolve-access';
import { fail, isRosterError } from '../../errors';
import { asStoreUnreachable } from '../../store/store-unreachable';
import { asBlocks, asView } from '../block-kit';
import { publishHome } from '../events';
import { errorText, fieldErrors } from '../render-error';
import type { Reply } from '../reply';
import { safeJson } from '../safe-json';
import type { SlackServices } from '../services';
import { LIMITS } from './block-limits';
import type { ModalMetadata } from './user-modals';

const metadataSchema = z.object({
  userId: z.uuid().optional(),
  userIds: z.array(z.uuid()).max(500).optional(),
  channelId: z.string().max(30).optional(),
  filter: userFilterSchema.optional(),
  emails: z.array(z.email()).max(500).optional(),
  assign: z.array(z.string().max(60)).max(50).optional(),
  unassign: z.array(z.string().max(60)).max(50).optional(),
  stateId: z.uuid().optional(),
});

export type Values = ViewOutput['state']['values'];

export function text(values: Values, block: string): string | undefined {
  const value = values[block]?.[block];
  return (value?.value ?? undefined)?.trim() || undefined;
}

export function selected(values: Values, block: string): string | undefined {
  return values[block]?.[block]?.selected_option?.value ?? undefined;
}

export function selectedMany(values: Values, block: string): string[] {
  return (values[block]?.[block]?.selected_options ?? []).map((o) => o.value);
}

/**
 * The values of a select that is now a multi-select: a form opened before an upgrade still sends
 * the single `selected_option`, so both shapes are read.
 */
export function selectedOneOrMany(values: Values, block: string): string[] {
  const single = selected(values, block);
  return [...selectedMany(values, block), ...(single ? [single] : [])];
}

/** Per-product level selects (one block per product, ids `<prefix><product>`): product → level, and the blocks. */
export function productLevels(values: Values, prefix: string): { blocks: string[]; levels: Record<string, string> } {
  const blocks = Object.keys(values).filter((block) => block.startsWith(prefix));
  return {
    blocks,
    levels: Object.fromEntries(blocks.map((block) => [block.slice(prefix.length), selected(values, block) ?? NO_ACCESS])),
  };
}

export function parseMetadata(raw: string): ModalMetadata {
  const parsed = metadataSchema.safeParse(safeJson(raw));
  return parsed.success ? parsed.data : {};
}

/** How long a submission may work before it is acknowledged anyway (Slack waits 3 s, the network takes some). */
export const ACK_BUDGET_MS = 2000;

/** Metadata as a modal carries it: itself when it fits in private_metadata, else the id of a stored copy. */
export async function packMetadata(
  services: Pick<SlackServices, 'viewState'>,
  actor: Pick<Actor, 'userId'>,
  metadata: ModalMetadata,
): Promise<ModalMetadata> {
  if (JSON.stringify(metadata).length <= LIMITS.privateMetadata || !actor.userId) return metadata;
  const { channelId, ...lists } = metadata;
  // Plain JSON: the lists and the filter's strings.
  return { channelId, stateId: await services.viewState.save(actor.userId, lists as Record<string, string[] | string>) };
}

/** The metadata a modal was opened with, read back from its stored copy when it carries only the id. */
export async function unpackMetadata(
  services: Pick<SlackServices, 'viewState'>,
  actor: Pick<Actor, 'userId'>,
  metadata: ModalMetadata,
): Promise<ModalMetadata> {
  if (!metadata.stateId) return metadata;
  const stored = actor.userId ? await services.viewState.load(metadata.stateId, actor.userId) : null;
  const parsed = metadataSchema.omit({ stateId: true }).safeParse(stored);
  if (!parsed.success) throw fail.invalidState('This form has expired; nothing was changed. Start again.');
  return { ...parsed.data, channelId: metadata.channelId };
}

/** Tells the person who submitted, in the channel they came from or by DM. */
async function tell(services: SlackServices, user: string, channelId: string | undefined, reply: Reply) {
  const send = channelId
    ? services.client.chat.postEphemeral({ channel: channelId, user, text: reply.text, blocks: asBlocks(reply.blocks) })
    : services.dm.toUser(user, reply);
  await Promise.resolve(send).catch((err: unknown) => services.logger.warn({ err }, 'could not report a modal result'));
}

function failureReply(services: SlackServices, error: unknown): Reply {
  if (isRosterError(error)) return { text: errorText(error) };
  const unreachable = asStoreUnreachable(error);
  if (unreachable) {
    services.logger.warn({ err: error }, 'the store cannot be reached; a modal submission was refused');
    return { text: errorText(unreachable) };
  }
  services.logger.error({ err: error }, 'a modal submission failed');
  return { text: ':x: That did not work; nothing was changed. Try again.' };
}

type Outcome = { ok: Reply | { update: object } } | { error: unknown };

/**
 * Runs a submission and acknowledges it within `ACK_BUDGET_MS`: an outcome ready by then is answered
 * in the modal (field errors, the next view) or closes it and is reported; a slower one closes the
 * modal at the deadline and is reported by ephemeral message or DM when it is done, failures included.
 */
export async function submit(
  services: SlackServices,
  args: { ack: AckFn<ViewResponseAction>; body: { user: { id: string } } },
  fields: Record<string, string>,
  channelId: string | undefined,
  work: (actor: Actor) => Promise<Reply | { update: object }>,
): Promise<void> {
  const slackUserId = args.body.user.id;
  const running: Promise<Outcome> = services.access
    .actorForSlackUser(slackUserId, 'modal')
    .then(work)
    .then(
      (ok) => ({ ok }),
      (error: unknown) => ({ error }),
    );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ACK_BUDGET_MS);
  });
  const early = await Promise.race([running, deadline]);
  clearTimeout(timer);
  if (early && 'error' in early) {
    const errors = fieldErrors(early.error, fields);
    if (errors) {
      await args.ack({ response_action: 'errors', errors });
      return;
    }
  }
  if (early && 'ok' in early && 'update' in early.ok) {
    await args.ack({ response_action: 'update', view: asView(early.ok.update) });
    return;
  }
  await args.ack();
  const outcome = early ?? (await running);
  if ('error' in outcome) {
    await tell(services, slackUserId, channelId, failureReply(services, outcome.error));
    return;
  }
  const reply = 'update' in outcome.ok ? { text: 'That took too long to review; open the form again.' } : outcome.ok;
  await tell(services, slackUserId, channelId, reply);
  void publishHome(services, slackUserId);
}
