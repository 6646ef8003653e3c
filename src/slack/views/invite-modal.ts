/**
 * The invite modal: up to 50 addresses, roles or one level per product, groups, partners, extra permissions, a note.
 * Block Kit has no repeating rows, so an address gets its own role and groups on its own line of the
 * addresses field (`ann@x.com:editor | Sales`), the same `address:role` form as the command.
 */
import { Bits, Blocks, Elements, Modal } from 'slack-block-builder';
import type { MultipleRoles } from '../../domain/roles/precedence';
import { NO_ACCESS } from '../../domain/roles/resolve-access';
import type { Role } from '../../store/records';
import { BLOCKS, VIEWS } from '../ids';
import { withOptions } from './block-limits';
import { roleHint, roleOption } from './role-options';

export interface InviteModalOptions {
  roles: Role[];
  groups: string[];
  permissions: { key: string; description: string }[];
  partners: string[];
  channelId?: string;
  multipleRoles: MultipleRoles;
}

export function inviteModal(options: InviteModalOptions) {
  const general = options.roles.filter((r) => !r.product);
  const products = [...new Set(options.roles.map((r) => r.product).filter((p): p is string => p !== null))];
  const option = (text: string, value: string) => Bits.Option({ text: text.slice(0, 75), value });
  return Modal({
    title: 'Invite people',
    callbackId: VIEWS.invite,
    submit: 'Invite',
    close: 'Cancel',
    privateMetaData: JSON.stringify({ channelId: options.channelId }),
  })
    .blocks(
      Blocks.Input({
        label: 'E-mail addresses',
        blockId: BLOCKS.inviteEmails,
        hint: 'Up to 50, separated by commas, spaces or new lines; they get the role and groups below. To give someone their own, one per line: ann@example.com:editor | Sales, Ops (role after the colon, groups after the bar).',
      }).element(
        Elements.TextInput({
          actionId: BLOCKS.inviteEmails,
          maxLength: 3000,
          placeholder: 'ann@example.com, bob@example.com',
        }).multiline(),
      ),
      Blocks.Input({
        label: products.length > 0 ? 'Directory roles' : 'Roles',
        blockId: BLOCKS.inviteRole,
        hint: roleHint(options.multipleRoles),
      })
        .optional(true)
        .element(
          Elements.StaticMultiSelect({
            actionId: BLOCKS.inviteRole,
            placeholder: products.length > 0 ? 'None' : 'Lowest role by default',
          }).options(...general.map((r) => roleOption(r))),
        ),
      ...products.map((product) =>
        Blocks.Input({ label: `${product} access`, blockId: `${BLOCKS.inviteProductPrefix}${product}` }).element(
          Elements.StaticSelect({ actionId: `${BLOCKS.inviteProductPrefix}${product}` })
            .options(
              option('No access', NO_ACCESS),
              ...options.roles.filter((r) => r.product === product).map((r) => option(r.name, r.key)),
            )
            .initialOption(option('No access', NO_ACCESS)),
        ),
      ),
      options.groups.length > 0
        ? Blocks.Input({ label: 'Groups', blockId: BLOCKS.inviteGroups })
            .optional(true)
            .element(
              withOptions(
                Elements.StaticMultiSelect({ actionId: BLOCKS.inviteGroups, placeholder: 'All Users only' }),
                options.groups.map((g) => ({ text: g, value: g })),
              ),
            )
        : undefined,
      ...partnerField(options),
      options.permissions.length > 0
        ? Blocks.Input({ label: 'Extra permissions', blockId: BLOCKS.invitePerms })
            .optional(true)
            .element(
              withOptions(
                Elements.StaticMultiSelect({ actionId: BLOCKS.invitePerms, placeholder: 'None' }),
                options.permissions.map((p) => ({ text: p.description ? `${p.key} — ${p.description}` : p.key, value: p.key })),
              ),
            )
        : undefined,
      Blocks.Input({ label: 'Note to the invitees', blockId: BLOCKS.inviteNote })
        .optional(true)
        .element(Elements.TextInput({ actionId: BLOCKS.inviteNote, maxLength: 1000 }).multiline()),
    )
    .buildToObject();
}

/** The partners a scoped role covers, chosen from the account's list; shown only when the catalog has a scoped role. */
function partnerField(options: InviteModalOptions) {
  const scoped = options.roles.find((r) => r.scoped && !r.product);
  if (!scoped) return [];
  if (options.partners.length === 0) {
    return [Blocks.Context().elements(`No partners yet: an Admin adds one with /users partner add <name>.`)];
  }
  return [
    Blocks.Input({
      label: 'Partners',
      blockId: BLOCKS.invitePartners,
      hint: `For the ${scoped.name} role: one partner. With a general role as well, as many as they cover.`,
    })
      .optional(true)
      .element(
        withOptions(
          Elements.StaticMultiSelect({ actionId: BLOCKS.invitePartners, placeholder: 'None' }),
          options.partners.map((name) => ({ text: name, value: name })),
        ),
      ),
  ];
}
