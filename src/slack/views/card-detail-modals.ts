/**
 * The user card's detail modals: a user's groups, extra permissions and properties, each as what to
 * add and what to remove (so that no select ever needs more initial options than Slack allows), and
 * the openers the card's buttons call. Submissions are in card-detail-submissions.ts.
 */

import { Blocks, Elements, Modal } from 'slack-block-builder';
import { type Actor, can } from '../../domain/access/actor';
import type { UserRecord } from '../../store/users/user-reads';
import { asView } from '../block-kit';
import type { SlackServices } from '../services';
import { fitList, LIMITS, withOptions } from './block-limits';
import { CARD_DETAIL_BLOCKS as B, CARD_DETAIL_VIEWS } from './card-detail-ids';
import { escapeMrkdwn } from './format';

/** Which detail a modal edits. */
export type CardDetail = 'groups' | 'perms' | 'props';

/** What an opener needs: who asks, where from, and Slack's trigger. */
export interface DetailOpenContext {
  services: SlackServices;
  actor: Actor;
  triggerId: string;
  channelId?: string;
}

type Choice = { text: string; value: string };

function shell(title: string, callbackId: string, user: UserRecord, channelId: string | undefined) {
  return Modal({
    title,
    callbackId,
    submit: 'Save',
    close: 'Cancel',
    privateMetaData: JSON.stringify({ userId: user.id, channelId }),
  });
}

/** An optional multi-select of `choices` on `blockId`, or nothing when there is nothing to choose. */
function pick(label: string, blockId: string, placeholder: string, choices: Choice[]) {
  if (choices.length === 0) return undefined;
  return Blocks.Input({ label, blockId })
    .optional(true)
    .element(withOptions(Elements.StaticMultiSelect({ actionId: blockId, placeholder }), choices));
}

const asChoice = (value: string): Choice => ({ text: value, value });
const current = (label: string, items: string[]) =>
  Blocks.Section({ text: fitList([`${label}: ${items.length > 0 ? '' : 'none'}`, ...items], LIMITS.sectionText) });

/** Groups to join (every group but All Users they are not in) and to leave. */
export function groupsModal(user: UserRecord, groups: string[], channelId?: string) {
  const held = user.groups.map((m) => m.group.name).sort();
  const others = groups.filter((g) => !held.includes(g));
  return shell('Groups', CARD_DETAIL_VIEWS.groups, user, channelId)
    .blocks(
      current(`Groups of *${escapeMrkdwn(user.email)}* besides All Users`, held.map(escapeMrkdwn)),
      pick('Add to', B.groupsAdd, 'Groups to join', others.map(asChoice)) ??
        Blocks.Context().elements('There is no other group to add them to; create one with `/users group create <name>`.'),
      pick('Remove from', B.groupsRemove, 'Groups to leave', held.map(asChoice)),
    )
    .buildToObject();
}

/**
 * Extra permissions to grant (from the catalog, or typed keys when the catalog cannot be read by this
 * admin) and to remove.
 */
export function permsModal(user: UserRecord, catalog: { key: string; description: string }[] | null, channelId?: string) {
  const held = [...user.extraPermissions].sort();
  const grantable = (catalog ?? [])
    .filter((p) => !held.includes(p.key))
    .map((p) => ({ text: p.description ? `${p.key} — ${p.description}` : p.key, value: p.key }));
  const grant = catalog
    ? pick('Grant', B.permsAdd, 'Permissions to grant', grantable)
    : Blocks.Input({ label: 'Grant', blockId: B.permsAdd, hint: 'Permission keys, separated by commas or spaces.' })
        .optional(true)
        .element(Elements.TextInput({ actionId: B.permsAdd, maxLength: 1000 }));
  return shell('Extra permissions', CARD_DETAIL_VIEWS.perms, user, channelId)
    .blocks(
      current(
        `Extra permissions of *${escapeMrkdwn(user.email)}*`,
        held.map((p) => `\`${p}\``),
      ),
      grant ?? Blocks.Context().elements('Every permission of the catalog is already granted.'),
      pick('Remove', B.permsRemove, 'Permissions to remove', held.map(asChoice)),
      Blocks.Context().elements('Granting a permission of Roster itself waits for an approver where the policy asks for one.'),
    )
    .buildToObject();
}

/** Properties to set (`key=value`, one a line) and to remove. */
export function propsModal(user: UserRecord, channelId?: string) {
  const props = user.properties.map((p) => `\`${p.key}\` = ${escapeMrkdwn(p.value)}`);
  return shell('Properties', CARD_DETAIL_VIEWS.props, user, channelId)
    .blocks(
      current(`Properties of *${escapeMrkdwn(user.email)}*`, props),
      Blocks.Input({
        label: 'Set',
        blockId: B.propsSet,
        hint: 'One `key=value` a line; a key that exists gets the new value.',
      })
        .optional(true)
        .element(Elements.TextInput({ actionId: B.propsSet, maxLength: 3000, placeholder: 'team=Platform' }).multiline()),
      pick(
        'Remove',
        B.propsRemove,
        'Properties to remove',
        user.properties.map((p) => asChoice(p.key)),
      ),
    )
    .buildToObject();
}

/** Opens the modal for `detail` of the user `email`, once the actor is known to hold what changing it takes. */
export async function openDetailModal(context: DetailOpenContext, detail: CardDetail, email: string): Promise<void> {
  const { services, actor, channelId } = context;
  let view: object;
  if (detail === 'groups') {
    const user = await services.directory.userFor(actor, 'groups:manage', { email });
    const groups = (await services.groups.list(actor)).filter((g) => g.kind !== 'all_users').map((g) => g.name);
    view = groupsModal(user, groups, channelId);
  } else if (detail === 'perms') {
    const user = await services.directory.userFor(actor, 'roles:manage', { email });
    // The catalog is read through the invite form's choices, which take users:manage.
    const catalog = can(actor, 'users:manage') ? (await services.invites.formOptions(actor)).permissions : null;
    view = permsModal(user, catalog, channelId);
  } else {
    view = propsModal(await services.directory.userFor(actor, 'users:manage', { email }), channelId);
  }
  await context.services.client.views.open({ trigger_id: context.triggerId, view: asView(view) });
}
