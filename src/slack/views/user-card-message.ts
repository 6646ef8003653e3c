/** `/users show`: everything about one user, and buttons for what their status allows. */
import { Blocks, Elements, Message } from 'slack-block-builder';
import type { UserCard } from '../../domain/directory/user-view';
import { formatWhen } from '../../domain/format-when';
import { ACTIONS, BLOCKS } from '../ids';
import type { Reply } from '../reply';
import { escapeMrkdwn, passcodeText, whenOrNever } from './format';

type CardAction = { actionId: string; text: string; style?: 'primary' | 'danger' };

/** The actions that fit a user's status (SPEC §3 state table). */
export function cardActions(card: UserCard): CardAction[] {
  const actions: CardAction[] = [];
  const add = (actionId: string, text: string, style?: CardAction['style']) => actions.push({ actionId, text, style });
  switch (card.status) {
    case 'invited':
      add(ACTIONS.cardResend, 'Resend invite', 'primary');
      add(ACTIONS.cardInviteLink, 'New invite link');
      add(ACTIONS.cardEdit, 'Edit');
      add(ACTIONS.cardRoles, 'Roles');
      break;
    case 'expired':
      add(ACTIONS.cardInviteLink, 'New invite link', 'primary');
      add(ACTIONS.cardEdit, 'Edit');
      break;
    case 'active':
      add(ACTIONS.cardEdit, 'Edit');
      add(ACTIONS.cardRoles, 'Roles');
      add(ACTIONS.cardApiKey, 'New API key');
      add(ACTIONS.cardPasscode, 'Passcode');
      if (card.signInMethod === 'password') add(ACTIONS.cardPasswordLink, 'Password link');
      if (!card.isOwner) {
        add(ACTIONS.cardDisable, 'Disable');
        add(ACTIONS.cardRevoke, 'Revoke', 'danger');
      }
      break;
    case 'disabled':
      add(ACTIONS.cardEnable, 'Enable', 'primary');
      add(ACTIONS.cardRoles, 'Roles');
      add(ACTIONS.cardRevoke, 'Revoke', 'danger');
      break;
    case 'revoked':
      add(ACTIONS.cardInviteLink, 'New invite link', 'primary');
      break;
  }
  if (!card.isOwner) add(ACTIONS.cardDelete, 'Delete', 'danger');
  return actions;
}

/** The card; `notice` (what just changed) goes first when given. */
export function userCardMessage(card: UserCard, notice?: string): Reply {
  const title = `${escapeMrkdwn(card.name ?? card.email)}${card.isOwner ? ' (owner)' : ''}`;
  const roles =
    card.roles.map((role) => (role.scope ? `${role.name} (${escapeMrkdwn(role.scope)})` : role.name)).join(', ') || 'none';
  const fields = [
    `*E-mail*\n${card.email}`,
    `*Status*\n${card.status}${card.status === 'invited' && card.inviteExpiresAt ? ` until ${formatWhen(card.inviteExpiresAt)}` : ''}`,
    `*Roles*\n${roles}`,
    `*Extra permissions*\n${card.extraPermissions.join(', ') || 'none'}`,
    `*Groups*\nAll Users${card.groups.length ? `, ${card.groups.map(escapeMrkdwn).join(', ')}` : ''}`,
    `*Sign-in*\n${card.signInMethod === 'google' ? 'Google' : 'password'}`,
    `*Last login*\n${whenOrNever(card.lastLoginAt)}`,
    `*API key*\n${card.apiKeyPrefix ? `\`${card.apiKeyPrefix}…\`` : 'none'}`,
    `*Passcode*\n${passcodeText(card.passcode)}`,
    `*Slack*\n${card.slackUserId ? `<@${card.slackUserId}>` : 'not linked'}`,
  ];
  const invited = card.invitedAt
    ? `Invited by ${escapeMrkdwn(card.invitedBy ?? 'Roster')} on ${formatWhen(card.invitedAt)}`
    : `Added ${formatWhen(card.createdAt)}`;
  const properties = card.properties.map((p) => `\`${p.key}\` = ${escapeMrkdwn(p.value)}`).join('\n');
  const actions = cardActions(card).map((action) => {
    const button = Elements.Button({ text: action.text, actionId: action.actionId, value: card.email });
    return action.style === 'primary' ? button.primary() : action.style === 'danger' ? button.danger() : button;
  });
  const message = Message()
    .text(`${card.name ?? card.email} (${card.status})`)
    .blocks(
      notice ? Blocks.Section({ text: notice }) : undefined,
      Blocks.Header({ text: (card.name ?? card.email).slice(0, 150) }),
      Blocks.Section({ text: `*${title}*` }).fields(...fields),
      properties ? Blocks.Section({ text: `*Properties*\n${properties}` }) : undefined,
      Blocks.Context().elements(invited),
      actions.length > 0 ? Blocks.Actions({ blockId: BLOCKS.cardActions }).elements(...actions) : undefined,
    );
  return { text: notice ?? `${card.name ?? card.email} (${card.status})`, blocks: message.getBlocks() };
}
