/**
 * The user card's detail buttons and modals (groups, properties, extra permissions, sign-in method,
 * passcode reset) and the group members modal. Each submits the same change kind as its slash
 * command through `submitChange`, so permissions, approvals and the audit trail are the command's.
 */
import type { App, ViewSubmitAction } from '@slack/bolt';
import type { Actor } from '../../domain/access/actor';
import { fail, isRosterError } from '../../errors';
import { servicesIn } from '../account-context';
import type { SlackServices } from '../services';
import { submitChange } from '../submit-change';
import { CARD_DETAIL_ACTIONS as A, CARD_DETAIL_BLOCKS as B, CARD_DETAIL_VIEWS as V } from '../views/card-detail-ids';
import { parsePropertyLines, splitWords } from '../views/card-detail-input';
import { type CardDetail, openDetailModal } from '../views/card-detail-modals';
import { changedCard, passcodeReply } from '../views/change-replies';
import { groupMembersMessage } from '../views/group-list-message';
import { MOST_PICKED, openGroupMembersModal } from '../views/group-members-modal';
import { parseMetadata, selected, selectedMany, submit, text } from '../views/modal-submission';
import { parseButtonEmail } from './action-values';
import { onButton } from './index';

/** Slack users' ids → the directory's addresses; one not linked to anyone is refused on the `users` field. */
async function addressesOfSlackUsers(services: SlackServices, actor: Actor, ids: string[]): Promise<string[]> {
  if (ids.length > MOST_PICKED) throw fail.badInput(`Choose at most ${MOST_PICKED} people.`, { field: 'users' });
  const emails: string[] = [];
  for (const slackUserId of ids) {
    try {
      emails.push((await services.directory.userFor(actor, 'groups:manage', { slackUserId })).email);
    } catch (error) {
      if (isRosterError(error) && error.code === 'not_found')
        throw fail.notFound(`<@${slackUserId}> is not linked to anyone in the directory; add them by e-mail address.`, {
          field: 'users',
        });
      throw error;
    }
  }
  return emails;
}

/** Registers the buttons and the modal submissions. */
export function registerCardDetails(app: App): void {
  const details: [string, CardDetail][] = [
    [A.groups, 'groups'],
    [A.perms, 'perms'],
    [A.props, 'props'],
  ];
  for (const [actionId, detail] of details) {
    onButton(app, actionId, async ({ services, actor, action, body }) => {
      const context = { services, actor, triggerId: body.trigger_id, channelId: body.channel?.id };
      await openDetailModal(context, detail, parseButtonEmail(action.value));
    });
  }

  for (const [actionId, method] of [
    [A.signInGoogle, 'google'],
    [A.signInPassword, 'password'],
  ] as const) {
    onButton(app, actionId, async ({ services, actor, action, reply }) => {
      const change = { kind: 'sign-in' as const, user: { email: parseButtonEmail(action.value) }, method };
      await reply(
        await submitChange(services, actor, change, async (result) => {
          const card = await services.directory.card(actor, { email: result.email });
          return changedCard(() =>
            result.method === 'google'
              ? `${result.email} now signs in with Google; their password was cleared and password links are refused.`
              : `${result.email} now signs in with a password; a link to set one was sent.`,
          )(card);
        }),
      );
    });
  }

  onButton(app, A.groupAddMembers, async ({ services, actor, body }) => {
    await openGroupMembersModal({ services, actor, triggerId: body.trigger_id, channelId: body.channel?.id });
  });

  onButton(app, A.passcodeReset, async ({ services, actor, action, reply }) => {
    const change = { kind: 'reset-passcode' as const, user: { email: parseButtonEmail(action.value) } };
    await reply(await submitChange(services, actor, change, passcodeReply));
  });

  app.view<ViewSubmitAction>(V.groups, async ({ ack, body, view, context }) => {
    const services = servicesIn(context);
    const metadata = parseMetadata(view.private_metadata);
    const values = view.state.values;
    const add = selectedMany(values, B.groupsAdd);
    const remove = selectedMany(values, B.groupsRemove);
    // Slack sends every input block's state: the add field, unless there was none to show.
    const field = values[B.groupsAdd] || !values[B.groupsRemove] ? B.groupsAdd : B.groupsRemove;
    await submit(services, { ack, body }, { groups: field }, metadata.channelId, (actor) => {
      if (add.length + remove.length === 0) throw fail.badInput('Choose groups to add or remove.', { field: 'groups' });
      const change = { kind: 'groups' as const, user: { id: metadata.userId ?? '' }, add, remove };
      return submitChange(
        services,
        actor,
        change,
        changedCard((card) => `Groups of ${card.email} changed.`),
      );
    });
  });

  app.view<ViewSubmitAction>(V.perms, async ({ ack, body, view, context }) => {
    const services = servicesIn(context);
    const metadata = parseMetadata(view.private_metadata);
    const values = view.state.values;
    // The grant field is a select, or a text field when the catalog could not be read for this admin.
    const add = [...selectedMany(values, B.permsAdd), ...splitWords(text(values, B.permsAdd))];
    const remove = selectedMany(values, B.permsRemove);
    const field = values[B.permsAdd] || !values[B.permsRemove] ? B.permsAdd : B.permsRemove;
    await submit(services, { ack, body }, { perms: field }, metadata.channelId, (actor) => {
      if (add.length + remove.length === 0) throw fail.badInput('Choose permissions to grant or remove.', { field: 'perms' });
      const change = { kind: 'perms' as const, user: { id: metadata.userId ?? '' }, add, remove };
      return submitChange(
        services,
        actor,
        change,
        changedCard((card) => `Extra permissions of ${card.email}: ${card.extraPermissions.join(', ') || 'none'}.`),
      );
    });
  });

  app.view<ViewSubmitAction>(V.props, async ({ ack, body, view, context }) => {
    const services = servicesIn(context);
    const metadata = parseMetadata(view.private_metadata);
    const values = view.state.values;
    const remove = selectedMany(values, B.propsRemove);
    await submit(services, { ack, body }, { props: B.propsSet }, metadata.channelId, async (actor) => {
      const set = parsePropertyLines(text(values, B.propsSet));
      if (Object.keys(set).length + remove.length === 0)
        throw fail.badInput('Give a `key=value` line to set, or choose properties to remove.', { field: 'props' });
      const change = { kind: 'props' as const, user: { id: metadata.userId ?? '' }, set, remove };
      return submitChange(
        services,
        actor,
        change,
        changedCard((card) => `Properties of ${card.email} changed.`),
      );
    });
  });

  app.view<ViewSubmitAction>(V.groupMembers, async ({ ack, body, view, context }) => {
    const services = servicesIn(context);
    const metadata = parseMetadata(view.private_metadata);
    const values = view.state.values;
    const fields = { group: B.membersGroup, users: B.membersUsers, emails: B.membersEmails };
    await submit(services, { ack, body }, fields, metadata.channelId, async (actor) => {
      const group = selected(values, B.membersGroup);
      if (!group) throw fail.badInput('Choose a group.', { field: 'group' });
      const picked = values[B.membersUsers]?.[B.membersUsers]?.selected_users ?? [];
      const typed = splitWords(text(values, B.membersEmails));
      if (picked.length + typed.length === 0)
        throw fail.badInput('Choose people or give their e-mail addresses.', { field: 'emails' });
      if (typed.length > 500) throw fail.badInput('At most 500 addresses at once.', { field: 'emails' });
      const add = [...(await addressesOfSlackUsers(services, actor, picked)), ...typed];
      return submitChange(services, actor, { kind: 'group-members', group, add, remove: [] }, groupMembersMessage);
    });
  });
}
