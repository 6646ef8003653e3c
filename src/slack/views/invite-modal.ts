/** The invite modal: up to 50 addresses, roles or one level per product, groups, extra permissions, a note. */
import { Bits, Blocks, Elements, Modal } from 'slack-block-builder';
import type { MultipleRoles } from '../../domain/roles/precedence';
import type { Role } from '../../store/generated/client';
import { BLOCKS, VIEWS } from '../ids';
import { withOptions } from './block-limits';
import { roleHint, roleOption } from './role-options';

export interface InviteModalOptions {
  roles: Role[];
  groups: string[];
  permissions: { key: string; description: string }[];
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
        hint: 'Up to 50, separated by commas, spaces or new lines.',
      }).element(
        Elements.TextInput({
          actionId: BLOCKS.inviteEmails,
          maxLength: 3000,
          placeholder: 'ann@example.com, bob@example.com',
        }).multiline(),
      ),
      Blocks.Input({
        label: products.length > 0 ? 'Directory roles (optional)' : 'Roles',
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
              option('No access', 'none'),
              ...options.roles.filter((r) => r.product === product).map((r) => option(r.name, r.key)),
            )
            .initialOption(option('No access', 'none')),
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
