/** The account Settings modal (App Home button Settings, owner only); submissions are handled in settings-submission.ts. */
import { Bits, Blocks, Elements, Modal } from 'slack-block-builder';
import { PRESET_NAMES, type PresetName } from '../../domain/account/account-settings';
import type { SettingsView } from '../../domain/account/settings-service';
import { BLOCKS, VIEWS } from '../ids';

/** The catalog select's value for "no preset: the deployment's own catalog". */
export const DEPLOYMENT_CATALOG = 'deployment';

/** The value of the checkbox that puts a channel back to the deployment's default. */
export const CHANNEL_DEFAULT = { approvals: 'approvals', notices: 'notices' } as const;

const PRESET_LABELS: Record<PresetName, string> = {
  standard: 'Standard: Admin, Editor, Contributor, Viewer',
  products: 'Products: access levels per product',
  partners: 'Partners: Admin, Normal, Partner',
};

/** What a Settings modal carries to its submission. */
export interface SettingsMetadata {
  version: number;
}

// Hints are plain text, where a channel mention would not render: the ID it is.
const channelText = (id: string | undefined, none: string) => id ?? none;

export function settingsModal(view: SettingsView) {
  const { own, effective, defaults } = view;
  const hint = (now: string, fallback: string) => `Now ${now}. Empty: the deployment default (${fallback}).`;
  const catalogOption = (value: string) =>
    value === DEPLOYMENT_CATALOG
      ? Bits.Option({ text: `Deployment default (${defaults.catalogName})`.slice(0, 75), value })
      : Bits.Option({ text: PRESET_LABELS[value as PresetName], value });

  const channelSelect = (actionId: string, current: string | null) => {
    const select = Elements.ConversationSelect({ actionId, placeholder: 'Choose a channel' })
      .filter('public', 'private')
      .excludeBotUsers(true);
    return current ? select.initialConversation(current) : select;
  };
  const resettable = [
    own.approvalsChannel
      ? Bits.Option({ text: 'Approvals: use the deployment default', value: CHANNEL_DEFAULT.approvals })
      : undefined,
    own.noticesChannel ? Bits.Option({ text: 'Notices: use the deployment default', value: CHANNEL_DEFAULT.notices }) : undefined,
  ].filter((option) => option !== undefined);

  return Modal({
    title: 'Settings',
    callbackId: VIEWS.settings,
    submit: 'Save',
    close: 'Cancel',
    privateMetaData: JSON.stringify({ version: view.version } satisfies SettingsMetadata),
  })
    .blocks(
      Blocks.Section({
        text: `Settings of this account. Empty fields use the deployment's defaults. ${view.seatsUsed} seats are in use.`,
      }),
      // The plan sets the most seats; the owner may only keep the account below it.
      Blocks.Input({ label: 'Seat limit', blockId: BLOCKS.settingsSeatLimit })
        .optional(true)
        .hint(
          `Now ${effective.seatLimit}. At most ${view.planSeats}, the seats of the account's plan; empty: all of them.${
            defaults.upgradeUrl ? ` More seats: ${defaults.upgradeUrl}` : ''
          }`.slice(0, 2000),
        )
        .element(
          Elements.TextInput({
            actionId: BLOCKS.settingsSeatLimit,
            initialValue: own.seatLimit?.toString(),
            placeholder: String(view.planSeats),
            maxLength: 10,
          }),
        ),
      Blocks.Input({ label: 'Invite valid for (hours)', blockId: BLOCKS.settingsInviteTtl })
        .optional(true)
        .hint(hint(`${effective.inviteTtlHours} hours`, `${defaults.inviteTtlHours} hours`))
        .element(
          Elements.TextInput({
            actionId: BLOCKS.settingsInviteTtl,
            initialValue: own.inviteTtlHours?.toString(),
            placeholder: String(defaults.inviteTtlHours),
            maxLength: 10,
          }),
        ),
      Blocks.Input({ label: 'Approvals channel', blockId: BLOCKS.settingsApprovalsChannel })
        .optional(true)
        .hint(
          hint(
            channelText(effective.approvalsChannel, 'none, approvals off'),
            channelText(defaults.approvalsChannel, 'approvals off'),
          ),
        )
        .element(channelSelect(BLOCKS.settingsApprovalsChannel, own.approvalsChannel)),
      Blocks.Input({ label: 'Notices channel', blockId: BLOCKS.settingsNoticesChannel })
        .optional(true)
        .hint(
          hint(
            channelText(effective.noticesChannel, 'none, notices only in App Home'),
            channelText(defaults.noticesChannel, 'notices only in App Home'),
          ),
        )
        .element(channelSelect(BLOCKS.settingsNoticesChannel, own.noticesChannel)),
      // A chosen channel cannot be cleared in a select, so going back to the default is a checkbox.
      resettable.length > 0
        ? Blocks.Input({ label: 'Channel defaults', blockId: BLOCKS.settingsChannelDefaults })
            .optional(true)
            .element(Elements.Checkboxes({ actionId: BLOCKS.settingsChannelDefaults }).options(...resettable))
        : undefined,
      Blocks.Input({ label: 'Role catalog', blockId: BLOCKS.settingsCatalog })
        .hint(
          `Now ${effective.catalogPreset ?? `the deployment default (${defaults.catalogName})`}. A catalog without a role someone holds is refused.`,
        )
        .element(
          Elements.StaticSelect({ actionId: BLOCKS.settingsCatalog })
            .options(...[DEPLOYMENT_CATALOG, ...PRESET_NAMES].map(catalogOption))
            .initialOption(catalogOption(effective.catalogPreset ?? DEPLOYMENT_CATALOG)),
        ),
    )
    .buildToObject();
}
