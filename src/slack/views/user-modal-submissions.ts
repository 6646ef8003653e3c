/**
 * Submissions of the edit, roles, passcode and delete modals. Each reads the form into a change and
 * submits it; a field error goes back to the block at fault with `response_action: errors`.
 */

import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { roleLabel } from '../../domain/roles/role-grants';
import { fail } from '../../errors';
import { servicesIn } from '../account-context';
import { BLOCKS, VIEWS } from '../ids';
import { submitChange } from '../submit-change';
import { changedCard, passcodeReply } from './change-replies';
import { deletionMessage } from './deletion-message';
import { editedText } from './edit-reply';
import { parseMetadata, productLevels, selected, selectedOneOrMany, submit, text, unpackMetadata } from './modal-submission';

export function registerUserModalSubmissions(app: App): void {
  app.view<ViewSubmitAction>(VIEWS.edit, async ({ ack, body, view, context }) => {
    const services = servicesIn(context);
    const metadata = parseMetadata(view.private_metadata);
    const values = view.state.values;
    const fields = { name: BLOCKS.editName, email: BLOCKS.editEmail };
    await submit(services, { ack, body }, fields, metadata.channelId, (actor) => {
      const change = {
        kind: 'edit' as const,
        user: { id: metadata.userId ?? '' },
        name: text(values, BLOCKS.editName),
        email: text(values, BLOCKS.editEmail),
      };
      return submitChange(services, actor, change, changedCard(editedText));
    });
  });

  app.view<ViewSubmitAction>(VIEWS.roles, async ({ ack, body, view, context }) => {
    const services = servicesIn(context);
    const metadata = parseMetadata(view.private_metadata);
    const values = view.state.values;
    const { blocks: productBlocks, levels: products } = productLevels(values, BLOCKS.rolesProductPrefix);
    const fields = {
      roles: BLOCKS.rolesGeneral,
      role: BLOCKS.rolesGeneral,
      products: productBlocks[0] ?? BLOCKS.rolesGeneral,
      perms: BLOCKS.rolesGeneral,
    };
    await submit(services, { ack, body }, fields, metadata.channelId, async (actor) => {
      const scopes = (text(values, BLOCKS.rolesScope) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      // The scopes field applies to the scoped roles chosen: one holding per scope.
      const scoped = new Set((await services.roles.catalogRoles()).filter((r) => r.scoped).map((r) => r.key));
      const change = {
        kind: 'set-roles' as const,
        user: { id: metadata.userId ?? '' },
        roles: selectedOneOrMany(values, BLOCKS.rolesGeneral).flatMap((key) =>
          scoped.has(key) && scopes.length > 0 ? scopes.map((scope) => roleLabel(key, scope)) : [key],
        ),
        products,
      };
      return submitChange(
        services,
        actor,
        change,
        changedCard((card) => `Roles of ${card.email} saved.`),
      );
    });
  });

  app.view<ViewSubmitAction>(VIEWS.passcode, async ({ ack, body, view, context }) => {
    const services = servicesIn(context);
    const metadata = parseMetadata(view.private_metadata);
    await submit(services, { ack, body }, { tenure: BLOCKS.passcodeTenure }, metadata.channelId, (actor) => {
      const tenure = z.coerce.number().int().safeParse(selected(view.state.values, BLOCKS.passcodeTenure));
      if (!tenure.success) throw fail.badInput('Choose how long the passcode is valid.', { field: 'tenure' });
      const change = { kind: 'grant-passcode' as const, user: { id: metadata.userId ?? '' }, tenureDays: tenure.data };
      return submitChange(services, actor, change, passcodeReply);
    });
  });

  app.view<ViewSubmitAction>(VIEWS.deleteConfirm, async ({ ack, body, view, context }) => {
    const services = servicesIn(context);
    const metadata = parseMetadata(view.private_metadata);
    await submit(services, { ack, body }, { reason: BLOCKS.deleteReason }, metadata.channelId, async (actor) => {
      const unpacked = await unpackMetadata(services, actor, metadata);
      const reason = text(view.state.values, BLOCKS.deleteReason) ?? null;
      const users = (unpacked.userIds ?? []).map((id) => ({ id }));
      const change = { kind: 'delete' as const, users, reason, ...(unpacked.filter ? { filter: unpacked.filter } : {}) };
      return submitChange(services, actor, change, deletionMessage, { reason });
    });
  });
}
