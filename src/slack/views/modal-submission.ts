/**
 * What every modal submission shares: reading Slack's `state.values`, the metadata a modal carries,
 * and one submit flow that returns field errors to the modal and reports everything else to the person.
 */
import type { AckFn, ViewOutput, ViewResponseAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Actor } from '../../domain/access/actor';
import { isRosterError } from '../../errors';
import { asBlocks, asView } from '../block-kit';
import { publishHome } from '../events';
import { errorText, fieldErrors } from '../render-error';
import type { Reply } from '../reply';
import type { SlackServices } from '../services';
import type { ModalMetadata } from './user-modals';

const metadataSchema = z.object({
  userId: z.uuid().optional(),
  userIds: z.array(z.uuid()).max(100).optional(),
  channelId: z.string().max(30).optional(),
  emails: z.array(z.email()).max(500).optional(),
  assign: z.array(z.string().max(60)).max(50).optional(),
  unassign: z.array(z.string().max(60)).max(50).optional(),
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

/** Per-product level selects (one block per product, ids `<prefix><product>`): product → level, and the blocks. */
export function productLevels(values: Values, prefix: string): { blocks: string[]; levels: Record<string, string> } {
  const blocks = Object.keys(values).filter((block) => block.startsWith(prefix));
  return {
    blocks,
    levels: Object.fromEntries(blocks.map((block) => [block.slice(prefix.length), selected(values, block) ?? 'none'])),
  };
}

export function parseMetadata(raw: string): ModalMetadata {
  try {
    return metadataSchema.parse(JSON.parse(raw));
  } catch {
    return {};
  }
}

/** Tells the person who submitted, in the channel they came from or by DM. */
async function tell(services: SlackServices, client: WebClient, actor: Actor, channelId: string | undefined, reply: Reply) {
  const user = actor.slackUserId as string;
  const send = channelId
    ? client.chat.postEphemeral({ channel: channelId, user, text: reply.text, blocks: asBlocks(reply.blocks) })
    : services.dm.toUser(user, reply);
  await Promise.resolve(send).catch((err: unknown) => services.logger.warn({ err }, 'could not report a modal result'));
}

/** Runs a submission: errors on a known field go back to the modal; others close it and are reported. */
export async function submit(
  services: SlackServices,
  args: { ack: AckFn<ViewResponseAction>; body: { user: { id: string } }; client: WebClient },
  fields: Record<string, string>,
  channelId: string | undefined,
  work: (actor: Actor) => Promise<Reply | { update: object }>,
): Promise<void> {
  let actor: Actor | undefined;
  try {
    actor = await services.access.actorForSlackUser(args.body.user.id, 'modal');
    const result = await work(actor);
    if ('update' in result) {
      await args.ack({ response_action: 'update', view: asView(result.update) });
      return;
    }
    await args.ack();
    await tell(services, args.client, actor, channelId, result);
    void publishHome(services, args.client, args.body.user.id);
  } catch (error) {
    const errors = fieldErrors(error, fields);
    if (errors) {
      await args.ack({ response_action: 'errors', errors });
      return;
    }
    await args.ack();
    if (!isRosterError(error)) services.logger.error({ err: error }, 'a modal submission failed');
    const reply = { text: isRosterError(error) ? errorText(error) : ':x: That did not work; nothing was changed. Try again.' };
    if (actor) await tell(services, args.client, actor, channelId, reply);
    else await services.dm.toUser(args.body.user.id, reply).catch(() => undefined);
  }
}

/** Runs code written for commands (it answers through `respond`) and returns its answer, for a modal to report. */
export async function captureReply(work: (respond: (reply: Reply) => Promise<void>) => Promise<void>): Promise<Reply> {
  let answer: Reply = { text: '' };
  await work(async (reply) => {
    answer = reply;
  });
  return answer;
}
