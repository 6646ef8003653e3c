/**
 * Every callback_id, action_id and block_id Roster uses, named once and shared by the view
 * builders and the handlers that read them back.
 */
export const ACTIONS = {
  helpInvite: 'help.invite',
  helpList: 'help.list',
  helpBulkRoles: 'help.bulk-roles',
  helpExport: 'help.export',
  listPrev: 'list.prev',
  listNext: 'list.next',
  listShow: 'list.show',
  cardResend: 'card.resend',
  cardInviteLink: 'card.invite-link',
  cardEdit: 'card.edit',
  cardRoles: 'card.roles',
  cardDisable: 'card.disable',
  cardEnable: 'card.enable',
  cardRevoke: 'card.revoke',
  cardDelete: 'card.delete',
  cardApiKey: 'card.apikey',
  cardPasscode: 'card.passcode',
  cardPasswordLink: 'card.password-link',
  cardClearLockout: 'card.clear-lockout',
  noticeReinvite: 'notice.reinvite',
  approvalApprove: 'approval.approve',
  approvalReject: 'approval.reject',
  homeRefresh: 'home.refresh',
} as const;

export const VIEWS = {
  invite: 'invite.modal',
  edit: 'edit.modal',
  roles: 'roles.modal',
  bulkRoles: 'bulk-roles.modal',
  bulkRolesReview: 'bulk-roles.review',
  deleteConfirm: 'delete.modal',
  passcode: 'passcode.modal',
  approvalDecision: 'approval.modal',
} as const;

export const BLOCKS = {
  inviteEmails: 'invite.emails',
  inviteRole: 'invite.role',
  inviteProductPrefix: 'invite.product.',
  inviteGroups: 'invite.groups',
  invitePerms: 'invite.perms',
  inviteNote: 'invite.note',
  listActions: 'list.actions',
  cardActions: 'card.actions',
  helpActions: 'help.actions',
  approvalActions: 'approval.actions',
  passcodeTenure: 'passcode.tenure',
  deleteReason: 'delete.reason',
  editName: 'edit.name',
  editEmail: 'edit.email',
  rolesGeneral: 'roles.general',
  rolesScope: 'roles.scope',
  rolesProductPrefix: 'roles.product.',
  bulkUsers: 'bulk.users',
  bulkAssign: 'bulk.assign',
  bulkUnassign: 'bulk.unassign',
  approvalReason: 'approval.reason',
} as const;
