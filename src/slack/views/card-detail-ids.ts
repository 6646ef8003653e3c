/**
 * The ids of the user card's detail buttons (groups, properties, extra permissions, sign-in method,
 * passcode reset), their modals and the group members modal, kept apart from ids.ts so they read together.
 */
export const CARD_DETAIL_ACTIONS = {
  groups: 'card.groups',
  props: 'card.props',
  perms: 'card.perms',
  signInGoogle: 'card.signin-google',
  signInPassword: 'card.signin-password',
  passcodeReset: 'card.passcode-reset',
  /** On `/users group list`: opens the group members modal. */
  groupAddMembers: 'group.add-members',
} as const;

export const CARD_DETAIL_VIEWS = {
  groups: 'card-groups.modal',
  props: 'card-props.modal',
  perms: 'card-perms.modal',
  groupMembers: 'group-members.modal',
} as const;

export const CARD_DETAIL_BLOCKS = {
  groupsAdd: 'card-groups.add',
  groupsRemove: 'card-groups.remove',
  propsSet: 'card-props.set',
  propsRemove: 'card-props.remove',
  permsAdd: 'card-perms.add',
  permsRemove: 'card-perms.remove',
  membersGroup: 'group-members.group',
  membersUsers: 'group-members.users',
  membersEmails: 'group-members.emails',
} as const;
