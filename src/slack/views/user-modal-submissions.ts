/**
 * Submissions of the edit, roles, passcode and delete modals. Each reads the form into a change and
 * submits it; a field error goes back to the block at fault with `response_action: errors`.
 */

import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { Actor } from '../../domain/access/actor';
import { type GrantSpan, parseSpan } from '../../domain/grants/grant-policy';
import { NO_ACCESS } from '../../domain/roles/resolve-access';
import { roleLabel } from '../../domain/roles/role-grants';
import { fail } from '../../errors';
import { servicesIn } from '../account-context';
import { BLOCKS, VIEWS } from '../ids';
import type { SlackServices } from '../services';
import { submitChange } from '../submit-change';
import { changedCard, passcodeReply } from './change-replies';
import { deletionMessage } from './deletion-message';
import { editedText } from './edit-reply';
import { grantedText } from './grant-messages';
import {
  parseMetadata,
  productLevels,
  selected,
  selectedOneOrMany,
  submit,
  text,
  unpackMetadata,
  type Values,
} from './modal-submission';

/** The roles modal's span and reason when it is not permanent; null when it is. */
function timedSpan(values: Values): { span: GrantSpan; reason: string } | null {
  const duration = selected(values, BLOCKS.rolesDuration) ?? 'permanent';
  const until = values[BLOCKS.rolesUntil]?.[BLOCKS.rolesUntil]?.selected_date ?? undefined;
  if (duration === 'permanent' && !until) return null;
  if (duration !== 'permanent' && until) throw fail.badInput('Choose a duration or a date, not both.', { field: 'until' });
  const span = until ? parseSpan(until) : { minutes: Number(duration) };
  if (!span || ('minutes' in span && !Number.isInteger(span.minutes)))
    throw fail.badInput('Choose a duration.', { field: 'for' });
  const reason = text(values, BLOCKS.rolesReason)?.trim() ?? '';
  if (!reason) throw fail.badInput('Say why they need it for a while (the incident or ticket).', { field: 'reason' });
  return { span, reason };
}

/**
 * The roles a time-bound save adds: those chosen that the user does not hold now (a product's level is
 * chosen by its role's key). A time-bound save only adds; one that would take a held role away is
 * refused, naming it.
 */
async function rolesAdded(
  services: SlackServices,
  actor: Actor,
  userId: string,
  change: { roles: string[]; products: Record<string, string> },
): Promise<string[]> {
  const card = await services.directory.card(actor, { id: userId });
  const held = new Set(card.roles.map((r) => roleLabel(r.key, r.scope)));
  const chosen = [...change.roles, ...Object.values(change.products).filter((level) => level !== NO_ACCESS)];
  const dropped = card.roles.filter((r) => !r.product && !chosen.includes(roleLabel(r.key, r.scope)) && !chosen.includes(r.key));
  if (dropped.length > 0) {
    throw fail.badInput(
      `For a while only adds roles: keep ${dropped.map((r) => r.name).join(', ')} chosen, or choose Permanent.`,
      { field: 'roles' },
    );
  }
  const added = chosen.filter((text) => !held.has(text));
  if (added.length === 0) throw fail.badInput('Choose a role they do not hold yet to give it for a while.', { field: 'roles' });
  return added;
}

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
      access: BLOCKS.rolesGeneral,
      for: BLOCKS.rolesDuration,
      until: BLOCKS.rolesUntil,
      reason: BLOCKS.rolesReason,
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
      const timed = timedSpan(values);
      if (timed) {
        const added = await rolesAdded(services, actor, metadata.userId ?? '', change);
        const grant = { kind: 'grant-timed' as const, user: change.user, roles: added, perms: [], ...timed };
        return submitChange(services, actor, grant, (result) => ({ text: grantedText(result) }), { reason: timed.reason });
      }
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
