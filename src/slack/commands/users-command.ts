/** The typed `/users` command a parser produces and a handler receives, one variant per kind. */

import type { UserFilter, Who } from '../../domain/directory/directory-service';
import type { GrantSpan } from '../../domain/grants/grant-policy';
import type { OnOverdue, ReviewerRule, ReviewScope } from '../../domain/reviews/review-scope';

/** The statuses `--status` filters by. */
export const STATUSES = ['invited', 'expired', 'active', 'disabled', 'revoked'] as const;
export type Status = (typeof STATUSES)[number];

/** Kinds that take one `<who>` and nothing else. */
export type OneUserKind =
  | 'show'
  | 'resend'
  | 'invite-link'
  | 'disable'
  | 'enable'
  | 'revoke'
  | 'apikey'
  | 'owner'
  | 'first-approver';

/** What a `/users` command asks for, by kind (one subcommand can yield several kinds, e.g. `invite` and `invite-modal`). */
export type UsersCommand =
  | { kind: 'home' }
  | { kind: 'help'; subcommand?: string }
  | { kind: 'list'; text?: string; status?: Status; role?: string; group?: string; page: number }
  | { kind: OneUserKind; who: Who }
  | { kind: 'password-link'; who: Who; endPassword: boolean }
  | { kind: 'invite-modal' }
  | {
      kind: 'invite';
      emails: string[];
      roles: string[];
      products: Record<string, string>;
      groups: string[];
      perms: string[];
      note?: string;
      /** Addresses given their own access (`ann@x.com:editor`) or groups. */
      people?: InvitePerson[];
      /** Partners the scoped role covers (`--partner`). */
      partners?: string[];
    }
  | { kind: 'edit'; who: Who; name?: string; email?: string }
  | { kind: 'roles'; who: Who; add: string[]; remove: string[] }
  | { kind: 'timed-grant'; who: Who; what: 'roles' | 'perms'; add: string[]; span: GrantSpan; reason: string }
  | { kind: 'request'; access: string[]; span: GrantSpan; reason: string; breakGlass: boolean }
  | { kind: 'temporary' }
  | { kind: 'bulk-roles'; filter?: UserFilter; add?: string[]; remove?: string[] }
  | { kind: 'perms' | 'groups'; who: Who; add: string[]; remove: string[] }
  | { kind: 'group'; action: 'list' }
  | { kind: 'group'; action: 'create' | 'delete'; name: string }
  | { kind: 'group'; action: 'rename'; name: string; newName: string }
  | { kind: 'group'; action: 'add' | 'remove'; name: string; emails: string[] }
  | { kind: 'partner'; action: 'list' }
  | { kind: 'partner'; action: 'add'; name: string }
  | { kind: 'partner'; action: 'rename'; name: string; newName: string }
  | { kind: 'partner'; action: 'delete'; name: string; reassign?: string }
  | { kind: 'scim-token'; action: 'create' | 'revoke' }
  | { kind: 'webhook'; action: 'list' }
  | { kind: 'webhook'; action: 'add'; url: string; events: string[] }
  | { kind: 'webhook'; action: 'remove'; url: string }
  | { kind: 'webhook'; action: 'test'; url: string }
  | { kind: 'webhook'; action: 'resume'; url: string }
  | { kind: 'webhook'; action: 'replay'; url?: string; since: string }
  | { kind: 'delete'; who: Who[]; reason?: string; filter?: UserFilter }
  | { kind: 'passcode'; action: 'grant'; who: Who; tenureDays: number }
  | { kind: 'passcode'; action: 'reset'; who: Who }
  | { kind: 'props'; who: Who; set: Record<string, string>; remove: string[] }
  | { kind: 'signin'; who: Who; method: 'google' | 'password' }
  | { kind: 'seats' | 'export' | 'approvals' }
  | { kind: 'audit'; who?: Who; limit: number }
  | { kind: 'review'; action: 'page'; number?: number }
  | {
      kind: 'review';
      action: 'start';
      scope: ReviewScope;
      reviewers: (ReviewerRule | Who)[];
      due: { days: number } | { at: string };
      onOverdue: OnOverdue;
      name?: string;
    }
  | { kind: 'review'; action: 'status'; number?: number }
  | { kind: 'review'; action: 'report' | 'close'; number: number }
  | { kind: 'review'; action: 'reassign'; number: number; from: Who; to: Who };

/** One address of an invite with its own access (`editor`, `partner=acme`, `crm=editor`) or groups. */
export interface InvitePerson {
  email: string;
  access?: string[];
  groups?: string[];
}

/** The command shape of one kind, also for kinds that share a variant (e.g. `show` and `revoke`). */
export type CommandOf<K extends UsersCommand['kind']> = UsersCommand extends infer C
  ? C extends { kind: infer CK }
    ? K extends CK
      ? Omit<C, 'kind'> & { kind: K }
      : never
    : never
  : never;
