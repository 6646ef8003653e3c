/**
 * Submissions of the edit, roles and bulk-roles modals. Each validates with zod, calls one
 * service, and answers a field error with `response_action: errors` on the block at fault.
 */

import type { AckFn, App, ViewOutput, ViewResponseAction, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Actor } from '../../domain/access/actor';
import { splitEmailList } from '../../domain/email';
import { fail, isRosterError } from '../../errors';
import { asBlocks, asView } from '../block-kit';
import { runOrRequestApproval } from '../commands/approval-gate';
import { grantPasscode } from '../commands/credential-commands';
import { publishHome } from '../events';
import { BLOCKS, VIEWS } from '../ids';
import { errorText, fieldErrors } from '../render-error';
import type { Reply } from '../reply';
import type { SlackServices } from '../services';
import { deletionMessage } from './deletion-message';
import { inviteResultMessage } from './invite-result-message';
import { userCardMessage } from './user-card-message';
import { bulkRolesReview, type ModalMetadata } from './user-modals';

const metadataSchema = z.object({
  userId: z.uuid().optional(),
  userIds: z.array(z.uuid()).max(100).optional(),
  channelId: z.string().max(30).optional(),
  emails: z.array(z.email()).max(500).optional(),
  assign: z.array(z.string().max(60)).max(50).optional(),
  unassign: z.array(z.string().max(60)).max(50).optional(),
});

type Values = ViewOutput['state']['values'];

function text(values: Values, block: string): string | undefined {
  const value = values[block]?.[block];
  return (value?.value ?? undefined)?.trim() || undefined;
}

function selected(values: Values, block: string): string | undefined {
  return values[block]?.[block]?.selected_option?.value ?? undefined;
}

function selectedMany(values: Values, block: string): string[] {
  return (values[block]?.[block]?.selected_options ?? []).map((o) => o.value);
}

/** Whether a bulk role change waits for approval, and as which policy action: granting Admin, or touching many users. */
function bulkApprovalAction(services: SlackServices, users: number, adding: string[]): 'grant-admin' | 'bulk' | null {
  if (services.approvals.required('grant-admin') && services.roles.addsAdmin({ add: adding, remove: [] })) return 'grant-admin';
  if (services.approvals.required('bulk') && users > services.approvals.bulkThreshold) return 'bulk';
  return null;
}

/** Per-product level selects (one block per product, ids `<prefix><product>`): product → level, and the blocks. */
function productLevels(values: Values, prefix: string): { blocks: string[]; levels: Record<string, string> } {
  const blocks = Object.keys(values).filter((block) => block.startsWith(prefix));
  return {
    blocks,
    levels: Object.fromEntries(blocks.map((block) => [block.slice(prefix.length), selected(values, block) ?? 'none'])),
  };
}

function parseMetadata(raw: string): ModalMetadata {
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
async function submit(
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

export function registerUserModalSubmissions(app: App, services: SlackServices): void {
  app.view<ViewSubmitAction>(VIEWS.edit, async ({ ack, body, view, client }) => {
    const metadata = parseMetadata(view.private_metadata);
    await submit(
      services,
      { ack, body, client },
      { name: BLOCKS.editName, email: BLOCKS.editEmail },
      metadata.channelId,
      async (actor) => {
        const values = view.state.values;
        const user = await services.users.edit(
          actor,
          { id: metadata.userId ?? '' },
          { name: text(values, BLOCKS.editName), email: text(values, BLOCKS.editEmail) },
        );
        return userCardMessage(await services.directory.card({ id: user.id }), `:white_check_mark: Updated ${user.email}.`);
      },
    );
  });

  app.view<ViewSubmitAction>(VIEWS.roles, async ({ ack, body, view, client }) => {
    const metadata = parseMetadata(view.private_metadata);
    const values = view.state.values;
    const { blocks: productBlocks, levels: products } = productLevels(values, BLOCKS.rolesProductPrefix);
    const fields = {
      roles: BLOCKS.rolesGeneral,
      role: BLOCKS.rolesGeneral,
      products: productBlocks[0] ?? BLOCKS.rolesGeneral,
      perms: BLOCKS.rolesGeneral,
    };
    await submit(services, { ack, body, client }, fields, metadata.channelId, async (actor) => {
      const general = selected(values, BLOCKS.rolesGeneral);
      const scope = text(values, BLOCKS.rolesScope);
      const desired = { role: general && scope ? `${general}=${scope}` : general, products };
      const target = { id: metadata.userId ?? '' };
      const user = await services.directory.findUser(target);
      const addsAdmin = desired.role?.split('=')[0] === 'admin' && !user.roles.some((h) => h.role.key === 'admin');
      let reply: Reply = { text: '' };
      const run = async () => {
        const updated = await services.roles.setRoles(actor, target, desired);
        reply = userCardMessage(
          await services.directory.card({ id: updated.id }),
          `:white_check_mark: Roles of ${updated.email} saved.`,
        );
      };
      if (!addsAdmin) {
        await run();
        return reply;
      }
      await runOrRequestApproval(
        {
          actor,
          services,
          respond: async (r) => {
            reply = r;
          },
        },
        { action: 'grant-admin', input: { email: user.email, add: ['admin'], remove: [] } },
        run,
      );
      return reply;
    });
  });

  app.view<ViewSubmitAction>(VIEWS.passcode, async ({ ack, body, view, client }) => {
    const metadata = parseMetadata(view.private_metadata);
    await submit(services, { ack, body, client }, { tenure: BLOCKS.passcodeTenure }, metadata.channelId, async (actor) => {
      const tenure = z.coerce.number().int().safeParse(selected(view.state.values, BLOCKS.passcodeTenure));
      if (!tenure.success) throw fail.badInput('Choose how long the passcode is valid.', { field: 'tenure' });
      let reply: Reply = { text: '' };
      await grantPasscode(
        {
          actor,
          services,
          respond: async (r) => {
            reply = r;
          },
        },
        { id: metadata.userId ?? '' },
        tenure.data,
      );
      return reply;
    });
  });

  app.view<ViewSubmitAction>(VIEWS.invite, async ({ ack, body, view, client }) => {
    const metadata = parseMetadata(view.private_metadata);
    const values = view.state.values;
    const { blocks: productBlocks, levels: products } = productLevels(values, BLOCKS.inviteProductPrefix);
    const fields = {
      emails: BLOCKS.inviteEmails,
      role: BLOCKS.inviteRole,
      products: productBlocks[0] ?? BLOCKS.inviteRole,
      groups: BLOCKS.inviteGroups,
      perms: BLOCKS.invitePerms,
      note: BLOCKS.inviteNote,
    };
    await submit(services, { ack, body, client }, fields, metadata.channelId, async (actor) => {
      const result = await services.invites.invite(actor, {
        emails: splitEmailList(text(values, BLOCKS.inviteEmails) ?? ''),
        role: selected(values, BLOCKS.inviteRole),
        products,
        groups: selectedMany(values, BLOCKS.inviteGroups),
        perms: selectedMany(values, BLOCKS.invitePerms),
        note: text(values, BLOCKS.inviteNote),
      });
      return inviteResultMessage(result);
    });
  });

  app.view<ViewSubmitAction>(VIEWS.deleteConfirm, async ({ ack, body, view, client }) => {
    const metadata = parseMetadata(view.private_metadata);
    await submit(services, { ack, body, client }, { reason: BLOCKS.deleteReason }, metadata.channelId, async (actor) => {
      const userIds = metadata.userIds ?? [];
      const reason = text(view.state.values, BLOCKS.deleteReason) ?? null;
      let reply: Reply = { text: '' };
      const respond = async (r: Reply) => {
        reply = r;
      };
      const run = async () => {
        await respond(deletionMessage(await services.deletion.deleteUsers(actor, userIds, reason)));
      };
      if (!services.approvals.required('delete')) {
        await run();
        return reply;
      }
      await services.deletion.deleteUsers(actor, userIds, reason, { dryRun: true });
      await runOrRequestApproval({ actor, services, respond }, { action: 'delete', input: { userIds, reason } }, run);
      return reply;
    });
  });

  app.view<ViewSubmitAction>(VIEWS.bulkRoles, async ({ ack, body, view, client }) => {
    const metadata = parseMetadata(view.private_metadata);
    const values = view.state.values;
    const fields = { users: BLOCKS.bulkUsers, roles: BLOCKS.bulkAssign };
    await submit(services, { ack, body, client }, fields, metadata.channelId, async (actor) => {
      const emails = [...new Set(splitEmailList(text(values, BLOCKS.bulkUsers) ?? ''))];
      const invalid = emails.filter((email) => !z.email().safeParse(email).success);
      if (emails.length === 0) throw fail.badInput('Give at least one e-mail address.', { field: 'users' });
      if (invalid.length > 0) throw fail.badInput(`Not e-mail addresses: ${invalid.join(', ')}.`, { field: 'users' });
      if (emails.length > 500) throw fail.badInput('At most 500 users at once.', { field: 'users' });
      const changes = { add: selectedMany(values, BLOCKS.bulkAssign), remove: selectedMany(values, BLOCKS.bulkUnassign) };
      const previews = await services.roles.bulk(actor, emails, changes, { dryRun: true });
      const next: ModalMetadata = { channelId: metadata.channelId, emails, assign: changes.add, unassign: changes.remove };
      return { update: bulkRolesReview(previews, next, bulkApprovalAction(services, emails.length, changes.add) !== null) };
    });
  });

  app.view<ViewSubmitAction>(VIEWS.bulkRolesReview, async ({ ack, body, view, client }) => {
    const metadata = parseMetadata(view.private_metadata);
    await submit(services, { ack, body, client }, {}, metadata.channelId, async (actor) => {
      const emails = metadata.emails ?? [];
      const changes = { add: metadata.assign ?? [], remove: metadata.unassign ?? [] };
      let reply: Reply = { text: '' };
      const run = async () => {
        const previews = await services.roles.bulk(actor, emails, changes);
        const changed = previews.filter((p) => p.before.join() !== p.after.join()).length;
        reply = { text: `:white_check_mark: Saved: roles of ${changed} of ${previews.length} users changed.` };
      };
      const action = bulkApprovalAction(services, emails.length, changes.add);
      if (!action) {
        await run();
        return reply;
      }
      await runOrRequestApproval(
        {
          actor,
          services,
          respond: async (r) => {
            reply = r;
          },
        },
        { action, input: { emails, ...changes } },
        run,
      );
      return reply;
    });
  });
}
