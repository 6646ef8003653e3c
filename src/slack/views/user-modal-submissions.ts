/**
 * Submissions of the edit, roles, passcode and delete modals. Each validates, calls one service,
 * and answers a field error with `response_action: errors` on the block at fault.
 */
import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { fail } from '../../errors';
import { runOrRequestApproval } from '../commands/approval-gate';
import { grantPasscode } from '../commands/credential-commands';
import { BLOCKS, VIEWS } from '../ids';
import type { SlackServices } from '../services';
import { deletionMessage } from './deletion-message';
import { captureReply, parseMetadata, productLevels, selected, submit, text } from './modal-submission';
import { userCardMessage } from './user-card-message';

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
      return captureReply(async (respond) => {
        const run = async () => {
          const updated = await services.roles.setRoles(actor, target, desired);
          await respond(
            userCardMessage(
              await services.directory.card({ id: updated.id }),
              `:white_check_mark: Roles of ${updated.email} saved.`,
            ),
          );
        };
        if (!addsAdmin) return run();
        await runOrRequestApproval(
          { actor, services, respond },
          { action: 'grant-admin', input: { email: user.email, add: ['admin'], remove: [] } },
          run,
        );
      });
    });
  });

  app.view<ViewSubmitAction>(VIEWS.passcode, async ({ ack, body, view, client }) => {
    const metadata = parseMetadata(view.private_metadata);
    await submit(services, { ack, body, client }, { tenure: BLOCKS.passcodeTenure }, metadata.channelId, async (actor) => {
      const tenure = z.coerce.number().int().safeParse(selected(view.state.values, BLOCKS.passcodeTenure));
      if (!tenure.success) throw fail.badInput('Choose how long the passcode is valid.', { field: 'tenure' });
      return captureReply((respond) => grantPasscode({ actor, services, respond }, { id: metadata.userId ?? '' }, tenure.data));
    });
  });

  app.view<ViewSubmitAction>(VIEWS.deleteConfirm, async ({ ack, body, view, client }) => {
    const metadata = parseMetadata(view.private_metadata);
    await submit(services, { ack, body, client }, { reason: BLOCKS.deleteReason }, metadata.channelId, async (actor) => {
      const userIds = metadata.userIds ?? [];
      const reason = text(view.state.values, BLOCKS.deleteReason) ?? null;
      // With approvals on, the request is checked by a dry run of the deletion before it is posted.
      return captureReply((respond) =>
        runOrRequestApproval({ actor, services, respond }, { action: 'delete', input: { userIds, reason } }, async () => {
          await respond(deletionMessage(await services.deletion.deleteUsers(actor, userIds, reason)));
        }),
      );
    });
  });
}
