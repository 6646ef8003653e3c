/**
 * The edit, roles and bulk-roles modals: builders, and the openers commands and buttons call
 * with their trigger_id. Submissions are handled in user-modal-submissions.ts.
 */

import { Bits, Blocks, Elements, Modal } from 'slack-block-builder';
import { type Actor, requirePermission } from '../../domain/access/actor';
import { describeFilter, type UserFilter, type Who } from '../../domain/directory/directory-service';
import type { MultipleRoles } from '../../domain/roles/precedence';
import { NO_ACCESS } from '../../domain/roles/resolve-access';
import type { RolePreview } from '../../domain/users/role-service';
import type { Role } from '../../store/records';
import type { UserRecord } from '../../store/users/user-reads';
import { asView } from '../block-kit';
import { BLOCKS, VIEWS } from '../ids';
import type { SlackServices } from '../services';
import { fitList, LIMITS } from './block-limits';
import { escapeMrkdwn } from './format';
import { roleHint, roleLine, roleOption } from './role-options';

/** What a modal remembers between opening and submission. */
export interface ModalMetadata {
  userId?: string;
  userIds?: string[];
  channelId?: string;
  emails?: string[];
  assign?: string[];
  unassign?: string[];
  /** A bulk action on everyone matching these filters (with `userIds`: those listed at review time). */
  filter?: UserFilter;
  /** Set instead of the lists above when they are too long for private_metadata (see view-state.ts). */
  stateId?: string;
}

interface OpenContext {
  services: SlackServices;
  triggerId: string;
  channelId?: string;
  actor: Actor;
}

function option(text: string, value: string) {
  return Bits.Option({ text: text.slice(0, 75), value });
}

export function editModal(user: UserRecord, metadata: ModalMetadata) {
  const pending = user.status === 'invited' || user.status === 'expired';
  // The identity provider owns the address of a user it manages; its next update would put it back.
  const managed = user.signInMethod === 'sso' || user.externalId !== null || user.userNameKey !== null;
  const editable = pending || ((user.status === 'active' || user.status === 'disabled') && !managed);
  return Modal({
    title: 'Edit user',
    callbackId: VIEWS.edit,
    submit: 'Save',
    close: 'Cancel',
    privateMetaData: JSON.stringify(metadata),
  })
    .blocks(
      Blocks.Section({ text: `*${user.email}* (${user.status})` }),
      Blocks.Input({ label: 'Name', blockId: BLOCKS.editName })
        .optional(true)
        .element(Elements.TextInput({ actionId: BLOCKS.editName, initialValue: user.name ?? undefined, maxLength: 100 })),
      editable
        ? Blocks.Input({
            label: 'E-mail',
            blockId: BLOCKS.editEmail,
            hint: pending
              ? 'A new address gets a new invite link; the old one stops working.'
              : 'They sign in with the new address; their Slack link and password stay, and both addresses are told.',
          }).element(Elements.EmailInput({ actionId: BLOCKS.editEmail, initialValue: user.email }))
        : Blocks.Context().elements(
            managed
              ? 'Their e-mail comes from your identity provider (SCIM): change it there.'
              : `The e-mail of a ${user.status} user cannot be changed.`,
          ),
    )
    .buildToObject();
}

export function rolesModal(user: UserRecord, roles: Role[], metadata: ModalMetadata, multipleRoles: MultipleRoles) {
  const general = roles.filter((r) => !r.product);
  const products = [...new Set(roles.map((r) => r.product).filter((p): p is string => p !== null))];
  const held = (role: Role) => user.roles.some((h) => h.roleId === role.id);
  const currentGeneral = general.filter(held);
  const generalSelect = Elements.StaticMultiSelect({ actionId: BLOCKS.rolesGeneral, placeholder: 'Choose roles' }).options(
    ...general.map(roleOption),
  );
  if (currentGeneral.length > 0) generalSelect.initialOptions(...currentGeneral.map(roleOption));
  // Every scope the user holds, so that saving unchanged keeps them all (a Normal user may hold several partners).
  const currentScopes = [...new Set(user.roles.flatMap((h) => (h.scope ? [h.scope] : [])))].join(', ') || undefined;
  const catalog = fitList(general.map(roleLine), LIMITS.sectionText);
  return Modal({
    title: 'Roles',
    callbackId: VIEWS.roles,
    submit: 'Save',
    close: 'Cancel',
    privateMetaData: JSON.stringify(metadata),
  })
    .blocks(
      Blocks.Section({ text: `Roles of *${escapeMrkdwn(user.email)}*. ${roleHint(multipleRoles)}` }),
      Blocks.Input({ label: products.length > 0 ? 'Directory roles' : 'Roles', blockId: BLOCKS.rolesGeneral })
        .optional(products.length > 0)
        .element(generalSelect),
      general.some((r) => r.scoped)
        ? Blocks.Input({ label: 'Scopes (for a scoped role)', blockId: BLOCKS.rolesScope })
            .optional(true)
            .hint('Separate several with commas.')
            .element(Elements.TextInput({ actionId: BLOCKS.rolesScope, initialValue: currentScopes, maxLength: 500 }))
        : undefined,
      ...products.map((product) => {
        const levels = roles.filter((r) => r.product === product);
        const current = levels.find(held);
        const select = Elements.StaticSelect({ actionId: `${BLOCKS.rolesProductPrefix}${product}` }).options(
          option('No access', NO_ACCESS),
          ...levels.map(roleOption),
        );
        select.initialOption(current ? roleOption(current) : option('No access', NO_ACCESS));
        return Blocks.Input({ label: product, blockId: `${BLOCKS.rolesProductPrefix}${product}` }).element(select);
      }),
      Blocks.Input({ label: 'For how long', blockId: BLOCKS.rolesDuration })
        .hint('Not permanent: the roles added are given until then and end by themselves.')
        .element(
          Elements.StaticSelect({ actionId: BLOCKS.rolesDuration })
            .options(...ROLE_DURATIONS.map((d) => option(d.text, d.value)))
            .initialOption(option(ROLE_DURATIONS[0].text, ROLE_DURATIONS[0].value)),
        ),
      Blocks.Input({ label: 'Or until', blockId: BLOCKS.rolesUntil })
        .optional(true)
        .element(Elements.DatePicker({ actionId: BLOCKS.rolesUntil, placeholder: 'A date (its end, UTC)' })),
      Blocks.Input({ label: 'Why (for a while only)', blockId: BLOCKS.rolesReason })
        .optional(true)
        .element(Elements.TextInput({ actionId: BLOCKS.rolesReason, maxLength: 500, placeholder: 'INC-4312' })),
      Blocks.Context({ blockId: BLOCKS.rolesCatalog }).elements(catalog),
    )
    .buildToObject();
}

/** The roles modal's durations: permanent, or minutes. */
export const ROLE_DURATIONS = [
  { text: 'Permanent', value: 'permanent' },
  { text: '1 hour', value: '60' },
  { text: '4 hours', value: '240' },
  { text: '1 day', value: '1440' },
  { text: '7 days', value: '10080' },
] as const;

/** Picks users (typed, or everyone matching `metadata.filter`) and the roles to assign and unassign. */
export function bulkRolesModal(
  roles: Role[],
  metadata: ModalMetadata,
  initial: { assign?: string[]; unassign?: string[]; matching?: number } = {},
) {
  const roleOptions = roles.map((r) => option(r.name, r.key));
  const initialOf = (keys: string[] | undefined) =>
    roles.filter((r) => keys?.some((k) => k.toLowerCase() === r.key || k.toLowerCase() === r.name.toLowerCase()));
  const select = (actionId: string, placeholder: string, keys: string[] | undefined) => {
    const element = Elements.StaticMultiSelect({ actionId, placeholder }).options(...roleOptions);
    const chosen = initialOf(keys);
    return chosen.length > 0 ? element.initialOptions(...chosen.map((r) => option(r.name, r.key))) : element;
  };
  return Modal({
    title: 'Bulk roles',
    callbackId: VIEWS.bulkRoles,
    submit: 'Review',
    close: 'Cancel',
    privateMetaData: JSON.stringify(metadata),
  })
    .blocks(
      metadata.filter
        ? Blocks.Section({
            blockId: BLOCKS.bulkUsers,
            text: `*Everyone matching* ${escapeMrkdwn(describeFilter(metadata.filter))}: ${initial.matching ?? 0} user${initial.matching === 1 ? '' : 's'} now. The review lists who is changed.`,
          })
        : Blocks.Input({
            label: 'Users (e-mail addresses)',
            blockId: BLOCKS.bulkUsers,
            hint: 'Separate them with commas, spaces or new lines.',
          }).element(Elements.TextInput({ actionId: BLOCKS.bulkUsers, maxLength: 3000 }).multiline()),
      Blocks.Input({ label: 'Assign', blockId: BLOCKS.bulkAssign })
        .optional(true)
        .element(select(BLOCKS.bulkAssign, 'Roles to add', initial.assign)),
      Blocks.Input({ label: 'Unassign', blockId: BLOCKS.bulkUnassign })
        .optional(true)
        .element(select(BLOCKS.bulkUnassign, 'Roles to remove', initial.unassign)),
    )
    .buildToObject();
}

/** How many users a review lists by name; the rest are counted. */
export const REVIEW_LISTED = 20;

/** The review step: the count, and the first 20 changes that saving will make. */
export function bulkRolesReview(previews: RolePreview[], metadata: ModalMetadata, needsApproval: boolean) {
  const changed = previews.filter((p) => p.before.join() !== p.after.join());
  const lines = changed
    .slice(0, REVIEW_LISTED)
    .map((p) => `• ${escapeMrkdwn(p.email)}: ${p.before.join(', ') || '—'} → *${p.after.join(', ') || '—'}*`);
  if (changed.length > REVIEW_LISTED) lines.push(`…and ${changed.length - REVIEW_LISTED} more`);
  const text = lines.length > 0 ? fitList(lines, LIMITS.sectionText) : 'Nothing would change.';
  const on = metadata.filter ? ` (everyone matching ${escapeMrkdwn(describeFilter(metadata.filter))})` : '';
  return Modal({
    title: 'Review',
    callbackId: VIEWS.bulkRolesReview,
    submit: needsApproval ? 'Ask for approval' : 'Save',
    close: 'Cancel',
    privateMetaData: JSON.stringify(metadata),
  })
    .blocks(
      Blocks.Section({ text: `*${changed.length} of ${previews.length} users change${on}:*` }),
      Blocks.Section({ text }),
      metadata.filter
        ? Blocks.Context().elements(
            'Saving acts on exactly these users; anyone who no longer matches by then is skipped and reported.',
          )
        : undefined,
      needsApproval ? Blocks.Context().elements('This touches many users, so it waits for an approver.') : undefined,
    )
    .buildToObject();
}

export async function openEditModal(context: OpenContext, who: Who): Promise<void> {
  const user = await context.services.directory.userFor(context.actor, 'users:manage', who);
  await context.services.client.views.open({
    trigger_id: context.triggerId,
    view: asView(editModal(user, { userId: user.id, channelId: context.channelId })),
  });
}

export async function openRolesModal(context: OpenContext, who: Who): Promise<void> {
  const user = await context.services.directory.userFor(context.actor, 'roles:manage', who);
  const roles = await context.services.roles.catalogRoles();
  await context.services.client.views.open({
    trigger_id: context.triggerId,
    view: asView(
      rolesModal(user, roles, { userId: user.id, channelId: context.channelId }, context.services.roles.multipleRoles),
    ),
  });
}

/** Opens bulk roles: on typed addresses, or on everyone matching `filter` (counted now, listed at review). */
export async function openBulkRolesModal(
  context: OpenContext,
  options: { filter?: UserFilter; assign?: string[]; unassign?: string[] } = {},
): Promise<void> {
  requirePermission(context.actor, 'roles:manage');
  const roles = await context.services.roles.catalogRoles();
  const { filter, assign, unassign } = options;
  const matching = filter ? (await context.services.directory.matching(context.actor, 'roles:manage', filter)).length : undefined;
  await context.services.client.views.open({
    trigger_id: context.triggerId,
    view: asView(bulkRolesModal(roles, { channelId: context.channelId, filter }, { assign, unassign, matching })),
  });
}
