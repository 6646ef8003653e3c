/**
 * Account settings from App Home: the Settings button opens the modal for the owner (anyone else is
 * told by DM who can), and its submission saves the change, with field errors back on the modal.
 */
import type { App, BlockAction, ButtonAction, ViewOutput, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { parseSettingsChange, SETTING_LABELS, type SettingKey } from '../../domain/account/account-settings';
import type { SettingsResult } from '../../domain/account/settings-service';
import { servicesIn } from '../account-context';
import { asView } from '../block-kit';
import { ACTIONS, BLOCKS, VIEWS } from '../ids';
import type { Reply } from '../reply';
import { respondSafely } from '../respond-safely';
import { safeJson } from '../safe-json';
import { announceRequest } from '../submit-change';
import { escapeMrkdwn } from './format';
import { selected, selectedMany, submit, text, type Values } from './modal-submission';
import { CHANNEL_DEFAULT, DEPLOYMENT_CATALOG, settingsModal } from './settings-modal';

/** Each setting's block, for field errors. */
const FIELDS: Record<SettingKey, string> = {
  seatLimit: BLOCKS.settingsSeatLimit,
  inviteTtlHours: BLOCKS.settingsInviteTtl,
  approvalsChannel: BLOCKS.settingsApprovalsChannel,
  noticesChannel: BLOCKS.settingsNoticesChannel,
  catalogPreset: BLOCKS.settingsCatalog,
};

const metadataSchema = z.object({ version: z.number().int() });

function conversation(values: Values, block: string): string | null {
  return values[block]?.[block]?.selected_conversation ?? null;
}

/** The form as a raw change; `parseSettingsChange` validates it. Empty fields mean the deployment's default. */
function formChange(view: ViewOutput): Record<string, unknown> {
  const values = view.state.values;
  const metadata = metadataSchema.safeParse(safeJson(view.private_metadata));
  const toDefault = new Set(selectedMany(values, BLOCKS.settingsChannelDefaults));
  const catalog = selected(values, BLOCKS.settingsCatalog);
  return {
    version: metadata.success ? metadata.data.version : undefined,
    seatLimit: text(values, BLOCKS.settingsSeatLimit) ?? null,
    inviteTtlHours: text(values, BLOCKS.settingsInviteTtl) ?? null,
    approvalsChannel: toDefault.has(CHANNEL_DEFAULT.approvals) ? null : conversation(values, BLOCKS.settingsApprovalsChannel),
    noticesChannel: toDefault.has(CHANNEL_DEFAULT.notices) ? null : conversation(values, BLOCKS.settingsNoticesChannel),
    // No choice sent (an old form) keeps the catalog as it is.
    catalogPreset: catalog === undefined ? undefined : catalog === DEPLOYMENT_CATALOG ? null : catalog,
  };
}

function shown(key: SettingKey, value: string | number | null): string {
  if (value === null) return 'the default';
  return key === 'approvalsChannel' || key === 'noticesChannel' ? `<#${value}>` : `\`${escapeMrkdwn(String(value))}\``;
}

/** What the owner is told once the change is saved. */
export function settingsSavedReply(result: SettingsResult): Reply {
  if (result.changed.length === 0) return { text: 'Nothing to save: the settings were already like that.' };
  const lines = result.changed.map((c) => `• ${SETTING_LABELS[c.key]}: ${shown(c.key, c.before)} → ${shown(c.key, c.after)}`);
  return { text: `:white_check_mark: Settings saved.\n${lines.join('\n')}` };
}

export function registerSettings(app: App): void {
  app.action<BlockAction<ButtonAction>>(ACTIONS.homeSettings, async ({ ack, body, context }) => {
    await ack();
    const services = servicesIn(context);
    // App Home has no response_url: refusals go by DM.
    const reply = (message: Reply) => services.dm.toUser(body.user.id, message);
    await respondSafely(services.logger, reply, async () => {
      const actor = await services.access.actorForSlackUser(body.user.id, 'command');
      await services.settings.requireOwner(actor);
      const view = await services.settings.get(actor);
      await services.client.views.open({ trigger_id: body.trigger_id, view: asView(settingsModal(view)) });
    });
  });

  app.view<ViewSubmitAction>(VIEWS.settings, async ({ ack, body, view, context }) => {
    const services = servicesIn(context);
    await submit(services, { ack, body }, FIELDS, undefined, async (actor) => {
      const submission = await services.settings.update(actor, parseSettingsChange(formChange(view)));
      // A catalog that gives someone admin power waits for an approver, as granting Admin does.
      return submission.status === 'done' ? settingsSavedReply(submission.result) : announceRequest(services, submission);
    });
  });
}
