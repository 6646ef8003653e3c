/**
 * The buttons of time-bound access: App Home's Request access (opens its form), Extend and End now (the
 * holder's DM before the end, App Home, the card), and Acknowledge and Revoke on a break-glass notice.
 * Each but the first is a change; the message answers in place with what it came to.
 */
import type { App } from '@slack/bolt';
import { z } from 'zod';
import { fail } from '../../errors';
import { asView } from '../block-kit';
import { publishHome } from '../events';
import { ACTIONS } from '../ids';
import { submitChange } from '../submit-change';
import { breakGlassReviewedText, grantedText } from '../views/grant-messages';
import { requestAccessModal } from '../views/request-access-modal';
import { onButton } from '.';

function grantId(value: string | undefined): string {
  const parsed = z.uuid().safeParse(value);
  if (!parsed.success) throw fail.badInput('That button is not one of Roster’s; see your access with `/users home`.');
  return parsed.data;
}

export function registerGrantActions(app: App): void {
  // App Home's Request access: the form, with the catalog's roles, permissions and break-glass roles.
  onButton(app, ACTIONS.homeRequestAccess, async ({ services, body }) => {
    const [roles, permissions] = await Promise.all([services.roles.catalogRoles(), services.roles.catalogPermissions()]);
    const view = requestAccessModal(roles, permissions, services.grants.breakGlassRoles());
    await services.client.views.open({ trigger_id: body.trigger_id, view: asView(view) });
  });

  // Extend keeps the access as long again as it was given for (the change's default): a request, unless the policy lets the holder extend it.
  onButton(app, ACTIONS.grantExtend, async ({ services, actor, action, body, reply }) => {
    const id = grantId(action.value);
    const grant = await services.grants.notice(id);
    if (!grant) throw fail.notFound('That access is not in this directory any more.');
    const change = { kind: 'grant-extend' as const, grant: id };
    const render = (result: Parameters<typeof grantedText>[0]) => ({ text: grantedText(result) });
    await reply(await submitChange(services, actor, change, render, { reason: grant.reason }), true);
    if (body.view?.type === 'home') await publishHome(services, body.user.id);
  });

  onButton(app, ACTIONS.grantEnd, async ({ services, actor, action, body, reply }) => {
    const change = { kind: 'grant-end' as const, grant: grantId(action.value) };
    await reply(
      await submitChange(services, actor, change, (result) => ({
        text: `:white_check_mark: Ended: ${result.card.email} no longer holds that access.`,
      })),
      true,
    );
    if (body.view?.type === 'home') await publishHome(services, body.user.id);
  });

  for (const [actionId, decision] of [
    [ACTIONS.breakGlassAcknowledge, 'acknowledge'],
    [ACTIONS.breakGlassRevoke, 'revoke'],
  ] as const) {
    onButton(app, actionId, async ({ services, actor, action, reply }) => {
      const change = { kind: 'break-glass-review' as const, grant: grantId(action.value), decision };
      const submission = await services.changes.submit(actor, change);
      if (submission.status !== 'done') throw new Error('a break-glass review waited for approval');
      await reply({ text: breakGlassReviewedText(submission.result, actor.email) }, true);
    });
  }
}
