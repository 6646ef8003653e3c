/** Every kind of change and its handler: the table the change layer dispatches on. */

import { breakGlass, breakGlassReview } from './break-glass-changes';
import type { ChangeHandler } from './change-handler';
import { apiKey, grantPasscode, passwordLink, resetPasscode, signIn } from './credential-changes';
import { credentialActivate, scimTokenEnd } from './credential-handoff-changes';
import { deleteUsers } from './delete-change';
import type { ChangeKind } from './directory-change';
import { firstApprover } from './first-approver-change';
import { accessRequest, grantEnd, grantExtend, grantTimed } from './grant-changes';
import { breakGlassRaise, grantExpiry, grantWarnings } from './grant-scheduler-changes';
import { groupCreate, groupDelete, groupMembers, groupRename } from './group-changes';
import { inheritedKeyRevoke } from './inherited-key-change';
import { invite, inviteLink, reinvite, resend } from './invite-changes';
import { recoverOwner } from './owner-recovery-change';
import { addPartner, deletePartnerChange, renamePartnerChange } from './partner-changes';
import { planSeats } from './plan-seats-change';
import { reviewAwait, reviewClose, reviewDecide, reviewReassign } from './review-changes';
import { reviewNotStarted, reviewOverdue, reviewRemind } from './review-scheduler-changes';
import { reviewStart } from './review-start-change';
import { bulkRoles, changePerms, changeRoles, setRoles } from './role-changes';
import { inviteExpiry, inviteLinkRenewal, inviteReminders, passcodeExpiry } from './scheduler-changes';
import { scimToken, scimTokenRevoke, scimUser } from './scim-changes';
import { scimGroup, scimGroupDelete } from './scim-group-changes';
import { settings } from './settings-change';
import { acceptInvite, passwordReset, setPassword } from './sign-in-changes';
import { disable, edit, enable, groups, owner, props, revoke } from './user-changes';
import { webhookAdd, webhookEnd, webhookRemove, webhookReplay, webhookResume } from './webhook-changes';

/** Handler of each kind; the compiler checks none is missing. */
export const CHANGE_HANDLERS = {
  invite,
  resend,
  'invite-link': inviteLink,
  reinvite,
  edit,
  'set-roles': setRoles,
  'change-roles': changeRoles,
  'bulk-roles': bulkRoles,
  perms: changePerms,
  'grant-timed': grantTimed,
  'access-request': accessRequest,
  'grant-extend': grantExtend,
  'grant-end': grantEnd,
  'break-glass': breakGlass,
  'break-glass-review': breakGlassReview,
  'grant-expiry': grantExpiry,
  'grant-warnings': grantWarnings,
  'break-glass-raise': breakGlassRaise,
  groups,
  props,
  disable,
  enable,
  revoke,
  owner,
  'recover-owner': recoverOwner,
  delete: deleteUsers,
  'api-key': apiKey,
  'inherited-key-revoke': inheritedKeyRevoke,
  'grant-passcode': grantPasscode,
  'reset-passcode': resetPasscode,
  'password-link': passwordLink,
  'sign-in': signIn,
  'partner-add': addPartner,
  'partner-rename': renamePartnerChange,
  'partner-delete': deletePartnerChange,
  'group-create': groupCreate,
  'group-rename': groupRename,
  'group-delete': groupDelete,
  'group-members': groupMembers,
  settings,
  'plan-seats': planSeats,
  'first-approver': firstApprover,
  'scim-token': scimToken,
  'scim-token-revoke': scimTokenRevoke,
  'scim-user': scimUser,
  'scim-group': scimGroup,
  'scim-group-delete': scimGroupDelete,
  'accept-invite': acceptInvite,
  'set-password': setPassword,
  'password-reset': passwordReset,
  'credential-activate': credentialActivate,
  'scim-token-end': scimTokenEnd,
  'webhook-add': webhookAdd,
  'webhook-remove': webhookRemove,
  'webhook-replay': webhookReplay,
  'webhook-resume': webhookResume,
  'webhook-end': webhookEnd,
  'invite-reminders': inviteReminders,
  'invite-expiry': inviteExpiry,
  'passcode-expiry': passcodeExpiry,
  'invite-link-renewal': inviteLinkRenewal,
  'review-start': reviewStart,
  'review-decide': reviewDecide,
  'review-await': reviewAwait,
  'review-close': reviewClose,
  'review-reassign': reviewReassign,
  'review-remind': reviewRemind,
  'review-overdue': reviewOverdue,
  'review-not-started': reviewNotStarted,
} satisfies { [K in ChangeKind]: ChangeHandler<K, unknown> };

/** What a change of kind `K` returns once done. */
export type ChangeResult<K extends ChangeKind> = (typeof CHANGE_HANDLERS)[K] extends ChangeHandler<K, infer R> ? R : never;
