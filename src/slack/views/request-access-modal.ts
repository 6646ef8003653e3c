/**
 * App Home's Request access: a role or extra permission, for how long, and why; with break-glass where
 * the catalog allows it for a role. Its submission is an `access-request` (or `break-glass`) change.
 */
import type { App, ViewSubmitAction } from '@slack/bolt';
import { Bits, Blocks, Elements, Modal } from 'slack-block-builder';
import { fail } from '../../errors';
import type { Role } from '../../store/records';
import { servicesIn } from '../account-context';
import { alertBreakGlass } from '../break-glass-alert';
import { BLOCKS, VIEWS } from '../ids';
import { submitChange } from '../submit-change';
import { grantedText } from './grant-messages';
import { selected, selectedMany, submit, text } from './modal-submission';

/** The spans the modal offers, in minutes. */
const SPANS = [
  { text: '1 hour', minutes: 60 },
  { text: '4 hours', minutes: 240 },
  { text: '1 day', minutes: 24 * 60 },
  { text: '7 days', minutes: 7 * 24 * 60 },
] as const;

const BREAK_GLASS = 'break-glass';

export function requestAccessModal(roles: Role[], permissions: string[], breakGlassRoles: string[]) {
  const roleOptions = roles.filter((r) => !r.scoped).map((r) => Bits.Option({ text: r.name.slice(0, 75), value: r.key }));
  const permOptions = permissions.map((p) => Bits.Option({ text: p.slice(0, 75), value: p }));
  const access = Elements.StaticSelect({ actionId: BLOCKS.requestAccess, placeholder: 'Choose' });
  if (permOptions.length > 0) {
    access.optionGroups(
      Bits.OptionGroup({ label: 'Roles' }).options(...roleOptions.slice(0, 100)),
      Bits.OptionGroup({ label: 'Extra permissions' }).options(...permOptions.slice(0, 100)),
    );
  } else access.options(...roleOptions.slice(0, 100));
  const glass = breakGlassRoles.map((key) => roles.find((r) => r.key === key)?.name ?? key).join(', ');
  return Modal({ title: 'Request access', callbackId: VIEWS.requestAccess, submit: 'Ask', close: 'Cancel' })
    .blocks(
      Blocks.Section({ text: 'Ask for access for a while. An approver decides; it ends by itself.' }),
      Blocks.Input({ label: 'Access', blockId: BLOCKS.requestAccess }).element(access),
      Blocks.Input({ label: 'For', blockId: BLOCKS.requestSpan }).element(
        Elements.StaticSelect({ actionId: BLOCKS.requestSpan, placeholder: 'Choose' })
          .options(...SPANS.map((s) => Bits.Option({ text: s.text, value: String(s.minutes) })))
          .initialOption(Bits.Option({ text: SPANS[1].text, value: String(SPANS[1].minutes) })),
      ),
      Blocks.Input({
        label: 'Why',
        blockId: BLOCKS.requestReason,
        hint: 'The incident or ticket; approvers and the audit trail read it.',
      }).element(
        Elements.TextInput({ actionId: BLOCKS.requestReason, maxLength: 500, placeholder: 'INC-4312: database failover' }),
      ),
      breakGlassRoles.length > 0
        ? Blocks.Input({ label: 'Break-glass', blockId: BLOCKS.requestBreakGlass })
            .optional()
            .hint('Granted at once without an approver; every Admin is told, and one reviews it.')
            .element(
              Elements.Checkboxes({ actionId: BLOCKS.requestBreakGlass }).options(
                Bits.Option({
                  text: 'Emergency: take it now (break-glass)',
                  description: `For ${glass}`.slice(0, 75),
                  value: BREAK_GLASS,
                }),
              ),
            )
        : undefined,
    )
    .buildToObject();
}

const FIELDS = {
  access: BLOCKS.requestAccess,
  for: BLOCKS.requestSpan,
  reason: BLOCKS.requestReason,
  role: BLOCKS.requestAccess,
};

/** The form's submission (App Home's Request access button opens it: src/slack/actions/grant-actions.ts). */
export function registerRequestAccess(app: App): void {
  app.view<ViewSubmitAction>(VIEWS.requestAccess, async ({ ack, body, view, context }) => {
    const services = servicesIn(context);
    await submit(services, { ack, body }, FIELDS, undefined, async (actor) => {
      const values = view.state.values;
      const access = selected(values, BLOCKS.requestAccess);
      if (!access) throw fail.badInput('Choose a role or permission.', { field: 'access' });
      const minutes = Number(selected(values, BLOCKS.requestSpan));
      if (!SPANS.some((s) => s.minutes === minutes)) throw fail.badInput('Choose for how long.', { field: 'for' });
      const reason = text(values, BLOCKS.requestReason)?.trim() ?? '';
      if (!reason) throw fail.badInput('Say why (the incident or ticket).', { field: 'reason' });
      const span = { minutes };
      if (!selectedMany(values, BLOCKS.requestBreakGlass).includes(BREAK_GLASS)) {
        const change = { kind: 'access-request' as const, access: [access], span, reason };
        return submitChange(services, actor, change, (result) => ({ text: grantedText(result) }), { reason });
      }
      const done = await services.changes.submit(actor, { kind: 'break-glass', role: access, span, reason });
      if (done.status !== 'done') throw new Error('break-glass waited for approval');
      await alertBreakGlass(services);
      return {
        text: `${grantedText(done.result)}\n:rotating_light: This was break-glass: every Admin is told, and one reviews it.`,
      };
    });
  });
}
