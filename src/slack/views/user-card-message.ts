/** `/users show`: everything about one user, and buttons for what their status allows. */
import { Bits, Blocks, Elements, Message } from 'slack-block-builder';
import type { UserCard } from '../../domain/directory/user-view';
import { formatWhen } from '../../domain/format-when';
import { ACTIONS, BLOCKS } from '../ids';
import type { Reply } from '../reply';
import { chunkLines, fitList, fitText, LIMITS } from './block-limits';
import { CARD_DETAIL_ACTIONS } from './card-detail-ids';
import { escapeMrkdwn, passcodeText, whenOrNever } from './format';

/** Slack's confirm dialog before a button acts: what it asks and the consequence it names. */
export interface CardConfirm {
  title: string;
  text: string;
  confirm: string;
  style?: 'primary' | 'danger';
}

type CardAction = { actionId: string; text: string; style?: 'primary' | 'danger'; confirm?: CardConfirm };

/** Slack caps a confirm dialog's text at 300 characters; a very long address is shortened in it. */
function who(card: UserCard): string {
  return escapeMrkdwn(card.email.length > 120 ? `${card.email.slice(0, 119)}…` : card.email);
}

/**
 * The actions that fit a user's status (SPEC §3 state table): exactly those the change layer accepts
 * for it. Those that take access away or swap a credential ask Slack's confirm dialog first.
 */
export function cardActions(card: UserCard): CardAction[] {
  const actions: CardAction[] = [];
  const add = (actionId: string, text: string, style?: CardAction['style'], confirm?: CardConfirm) =>
    actions.push({ actionId, text, style, confirm });
  const disable: CardConfirm = {
    title: 'Disable this user?',
    text: `Disable ${who(card)}? They can no longer sign in or use their API key or passcode until enabled.`,
    confirm: 'Disable',
    style: 'danger',
  };
  const enable: CardConfirm = {
    title: 'Enable this user?',
    text: `Enable ${who(card)}? They can sign in and use their API key and passcode again.`,
    confirm: 'Enable',
    style: 'primary',
  };
  const revoke: CardConfirm = {
    title: 'Revoke this user?',
    text: `Revoke ${who(card)}? Their API key, passcode, password and pending links stop working at once; only a new invite brings them back.`,
    confirm: 'Revoke',
    style: 'danger',
  };
  const apiKey: CardConfirm = {
    title: 'Issue a new API key?',
    text: `Issue a new API key for ${who(card)}? Their current key stops working once the new one reaches them (by DM, or by an e-mailed link if they are not in Slack).`,
    confirm: 'Issue new key',
    style: 'danger',
  };
  switch (card.status) {
    case 'invited':
      add(ACTIONS.cardResend, 'Resend invite', 'primary');
      add(ACTIONS.cardInviteLink, 'New invite link');
      add(ACTIONS.cardEdit, 'Edit');
      add(ACTIONS.cardRoles, 'Roles');
      break;
    case 'expired':
      add(ACTIONS.cardResend, 'Re-invite', 'primary');
      add(ACTIONS.cardInviteLink, 'New invite link');
      add(ACTIONS.cardEdit, 'Edit');
      break;
    case 'active':
      add(ACTIONS.cardEdit, 'Edit');
      add(ACTIONS.cardRoles, 'Roles');
      add(ACTIONS.cardApiKey, 'New API key', undefined, apiKey);
      add(ACTIONS.cardPasscode, 'Passcode');
      if (card.signInMethod === 'password') add(ACTIONS.cardPasswordLink, 'Password link');
      if (!card.isOwner) {
        add(ACTIONS.cardDisable, 'Disable', undefined, disable);
        add(ACTIONS.cardRevoke, 'Revoke', 'danger', revoke);
      }
      break;
    case 'disabled':
      add(ACTIONS.cardEnable, 'Enable', 'primary', enable);
      add(ACTIONS.cardRoles, 'Roles');
      if (!card.isOwner) add(ACTIONS.cardRevoke, 'Revoke', 'danger', revoke);
      break;
    case 'revoked':
      add(ACTIONS.cardResend, 'Re-invite', 'primary');
      add(ACTIONS.cardInviteLink, 'New invite link');
      break;
  }
  // What the details pages edit: a user's groups, properties and extra permissions at any status but
  // revoked (only a new invite brings a revoked user back); the sign-in method and a passcode reset once active.
  if (card.status !== 'revoked') {
    add(CARD_DETAIL_ACTIONS.groups, 'Groups');
    add(CARD_DETAIL_ACTIONS.props, 'Properties');
    add(CARD_DETAIL_ACTIONS.perms, 'Extra permissions');
  }
  if (card.status === 'active' && card.signInMethod === 'password')
    add(CARD_DETAIL_ACTIONS.signInGoogle, 'Use Google sign-in', undefined, {
      title: 'Switch to Google sign-in?',
      text: `Switch to Google sign-in for ${who(card)}? Their password is cleared and password links are refused.`,
      confirm: 'Switch',
    });
  if (card.status === 'active' && card.signInMethod === 'google')
    add(CARD_DETAIL_ACTIONS.signInPassword, 'Use password sign-in', undefined, {
      title: 'Switch to a password?',
      text: `Switch to a password for ${who(card)}? They get a link to set one.`,
      confirm: 'Switch',
    });
  if (card.status === 'active' && card.passcode.state !== 'none')
    add(CARD_DETAIL_ACTIONS.passcodeReset, 'Reset passcode', undefined, {
      title: 'Reset the passcode?',
      text: `Reset the passcode of ${who(card)}? A new one for the same tenure is sent to them; the current one stops working at once.`,
      confirm: 'Reset',
      style: 'danger',
    });
  if (card.signInLock) add(ACTIONS.cardClearLockout, 'Clear sign-in lockout');
  if (!card.isOwner) add(ACTIONS.cardDelete, 'Delete', 'danger');
  return actions;
}

function confirmDialog(confirm: CardConfirm) {
  const dialog = Bits.ConfirmationDialog({ title: confirm.title, text: confirm.text, confirm: confirm.confirm, deny: 'Cancel' });
  return confirm.style === 'danger' ? dialog.danger() : confirm.style === 'primary' ? dialog.primary() : dialog;
}

/** The card; `notice` (what just changed) goes first when given. */
export function userCardMessage(card: UserCard, notice?: string): Reply {
  const title = `${escapeMrkdwn(card.name ?? card.email)}${card.isOwner ? ' (owner)' : ''}`;
  // A field holds 2 000 characters: long lists end with "…and N more".
  const list = (items: string[]) => fitList(items, LIMITS.fieldText - 30, ', ');
  const roleName = (role: UserCard['roles'][number]) => (role.scope ? `${role.name} (${escapeMrkdwn(role.scope)})` : role.name);
  const overridden = card.roles.filter((role) => role.overridden);
  // The roles in force; those a higher-precedence role outranks are named, so nobody wonders where they went.
  const roles =
    (list(card.roles.filter((role) => !role.overridden).map(roleName)) || 'none') +
    (overridden.length > 0 ? `\n_also holds ${list(overridden.map(roleName))} (overridden by higher precedence)_` : '');
  const fields = [
    `*E-mail*\n${card.email}`,
    `*Status*\n${card.status}${card.status === 'invited' && card.inviteExpiresAt ? ` until ${formatWhen(card.inviteExpiresAt)}` : ''}`,
    `*Roles*\n${roles}`,
    `*Extra permissions*\n${list(card.extraPermissions) || 'none'}`,
    `*Groups*\n${list(['All Users', ...card.groups.map(escapeMrkdwn)])}`,
    `*Sign-in*\n${card.signInMethod === 'google' ? 'Google' : card.signInMethod === 'sso' ? 'identity provider (SCIM)' : 'password'}`,
    `*Last login*\n${whenOrNever(card.lastLoginAt)}`,
    `*API key*\n${card.apiKeyPrefix ? `\`${card.apiKeyPrefix}…\`` : 'none'}`,
    `*Passcode*\n${passcodeText(card.passcode)}`,
    `*Slack*\n${card.slackUserId ? `<@${card.slackUserId}>` : 'not linked'}`,
  ];
  // A section takes at most 10 fields, and the card has 10: a lockout gets a section of its own.
  const lock = card.signInLock
    ? `:lock: *Sign-in locked* until ${formatWhen(card.signInLock.until)} after failed attempts from ${fitList(card.signInLock.addresses.map(escapeMrkdwn), LIMITS.sectionText - 200, ', ')}`
    : undefined;
  // Keys of deleted users the owner received: a section of their own (the fields are full), first 20 named.
  const inherited = card.inheritedKeys?.length
    ? `*Inherited API keys* (in this user's name, with the access they had before)\n${fitList(
        card.inheritedKeys.map(
          (key) =>
            `\`${escapeMrkdwn(key.prefix)}…\` inherited from ${escapeMrkdwn(key.fromEmail)} on ${formatWhen(key.inheritedAt)}`,
        ),
        LIMITS.sectionText - 60,
      )}`
    : undefined;
  // Time-bound grants: what, until when, why; break-glass marked; End now for each (up to 5 buttons).
  const temporary = card.temporary.length
    ? `*Time-bound access*\n${fitList(
        card.temporary.map(
          (g) =>
            `• *${escapeMrkdwn(g.access)}* until ${formatWhen(g.endsAt)} — ${escapeMrkdwn(g.reason)}${
              g.breakGlass ? (g.reviewed ? ' · break-glass (reviewed)' : ' · :rotating_light: break-glass, not reviewed yet') : ''
            }`,
        ),
        LIMITS.sectionText - 40,
      )}`
    : undefined;
  const endButtons = card.temporary.slice(0, 5).map((g) =>
    Elements.Button({ text: `End ${g.access}`.slice(0, 75), actionId: ACTIONS.grantEnd, value: g.id }).confirm(
      Bits.ConfirmationDialog({
        title: 'End it now?',
        text: `${card.email} loses ${g.access} now instead of ${formatWhen(g.endsAt)}.`.slice(0, 300),
        confirm: 'End now',
        deny: 'Cancel',
      }),
    ),
  );
  const invited = card.invitedAt
    ? `Invited by ${escapeMrkdwn(card.invitedBy ?? 'Roster')} on ${formatWhen(card.invitedAt)}`
    : `Added ${formatWhen(card.createdAt)}`;
  // Properties take as many sections of 3 000 characters as they need: up to 38, as the rest of the card
  // takes at most 10 of the 50 blocks a message may have (with its time-bound access and their End buttons).
  const properties = chunkLines(
    card.properties.map((p) => `\`${p.key}\` = ${escapeMrkdwn(p.value)}`),
    LIMITS.sectionText - 20,
    38,
  );
  const actions = cardActions(card).map((action) => {
    const button = Elements.Button({ text: action.text, actionId: action.actionId, value: card.email });
    if (action.confirm) button.confirm(confirmDialog(action.confirm));
    return action.style === 'primary' ? button.primary() : action.style === 'danger' ? button.danger() : button;
  });
  const message = Message()
    .text(`${card.name ?? card.email} (${card.status})`)
    .blocks(
      notice ? Blocks.Section({ text: fitText(notice, LIMITS.sectionText) }) : undefined,
      Blocks.Header({ text: (card.name ?? card.email).slice(0, 150) }),
      Blocks.Section({ text: `*${title}*` }).fields(...fields),
      lock ? Blocks.Section({ text: lock }) : undefined,
      inherited ? Blocks.Section({ text: inherited }) : undefined,
      temporary ? Blocks.Section({ text: temporary }) : undefined,
      endButtons.length > 0 ? Blocks.Actions().elements(...endButtons) : undefined,
      ...properties.map((text, i) => Blocks.Section({ text: i === 0 ? `*Properties*\n${text}` : text })),
      Blocks.Context().elements(invited),
      actions.length > 0 ? Blocks.Actions({ blockId: BLOCKS.cardActions }).elements(...actions) : undefined,
    );
  return { text: notice ?? `${card.name ?? card.email} (${card.status})`, blocks: message.getBlocks() };
}
