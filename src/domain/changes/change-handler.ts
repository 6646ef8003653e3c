/**
 * What one kind of change is to the change layer: the permissions it needs (known from the change
 * alone, so they are checked before any user is looked up) and how it applies inside the
 * transaction that holds the account lock.
 */
import type { Role } from '../../store/records';
import type { Tx } from '../../store/tx';
import type { Actor } from '../access/actor';
import type { SettingsDefaults } from '../account/account-settings';
import type { AuditEntry } from '../audit/audit-service';
import type { Clock } from '../clock';
import type { CredentialHandoff } from '../credentials/credential-handoff';
import type { HolderMessenger } from '../credentials/credential-service';
import type { Delivery } from '../delivery/delivery';
import type { DirectoryService } from '../directory/directory-service';
import type { InviteLinks } from '../invites/invite-links';
import type { NoticeOutbox } from '../notices/notice-outbox';
import type { Policy } from '../roles/catalog';
import type { AdminPermission } from '../roles/permissions';
import type { MultipleRoles } from '../roles/precedence';
import type { SecretKeys } from '../webhooks/webhook-signing';
import type { ChangeFacts } from './approval-policy';
import type { ChangeKind, ChangeOf, DirectoryChange } from './directory-change';

/** What handlers may use besides the transaction: built once by the change service. */
export interface ChangeEnv {
  accountId: string;
  clock: Clock;
  directory: DirectoryService;
  links: InviteLinks;
  delivery: Delivery;
  messenger: HolderMessenger;
  /** Holds new API keys and passcodes until they have been delivered. */
  handoff: CredentialHandoff;
  seatLimit: number;
  inviteTtlHours: number;
  publicUrl: string;
  passwordLinkTtlHours: number;
  /** How several roles combine (catalog policy): decides who gains admin power. */
  multipleRoles: MultipleRoles;
  /** Ends the SCIM token with this hash (one whose delivery failed), after the commit: a `scim-token-end` change. */
  endScimToken: (tokenHash: string) => Promise<void>;
  /** Removes the webhook with this id (one whose secret reached nobody), after the commit: a `webhook-end` change. */
  endWebhook: (id: string) => Promise<void>;
  /** Where webhooks may point (WEBHOOK_ALLOW_PRIVATE), and the keys their signing secrets are sealed with. */
  webhooks: { allowPrivate: boolean; keys: SecretKeys };
  /** Switches on a delivered credential, after the commit: a `credential-activate` change by the issuer; false when gone. */
  activateCredential: (actor: Actor, pendingId: string, revealId?: string) => Promise<boolean>;
  /** The deployment's settings, which an account's own override. */
  settingsDefaults: SettingsDefaults;
  /**
   * Told after a change commits that the account's services are built over (settings, plan seats, the
   * SCIM token), so that every replica rebuilds them.
   */
  settingsChanged: (accountId: string) => void;
  /** When invites are reminded (catalog policy), for the scheduler's changes. */
  invitePolicy: Policy['invites'];
  /** Time-bound grants (catalog `policy.grants`): how long, time-bound only, break-glass, self-extensions. */
  grantPolicy: Policy['grants'];
  /** How long before a time-bound grant ends its holder is warned (catalog `policy.grantWarningMinutes`). */
  grantWarningMinutes: number;
  /** Notices queued inside a change's transaction, sent by the scheduler after the commit. */
  outbox: NoticeOutbox;
}

/** A handler's view of one run: the open transaction and who is acting. */
export interface ChangeContext extends ChangeEnv {
  tx: Tx;
  actor: Actor;
  /**
   * The account's roles, highest precedence first, as the catalog stood when the account lock was taken
   * (kept in memory between changes while it does not change; never to be modified). A change that
   * writes the catalog reads it again from the store.
   */
  roles(): Promise<Role[]>;
}

/** A user who gains admin-plane permissions through the change. */
export interface PowerGain {
  userId: string;
  email: string;
  added: string[];
}

/** What applying a change did, for the change layer to check, record, and report. */
export interface Applied<R> {
  result: R;
  /** The change with every user named by id: what an approval request stores and replays. */
  stored: DirectoryChange;
  /** What an approver reads: what changes, before → after. */
  summary: string;
  /** The sentence that reports the change once an approval ran it. */
  outcome: string;
  /** Users whose `version` the change bumps and whose rules are checked. */
  touched: string[];
  /** Users who existed before the change; a change to any of them makes a request for it stale. */
  targets: string[];
  gains: PowerGain[];
  /** Set when none of `targets` may decide the change's approval request, whatever its action (a review's removal). */
  targetsMayNotDecide?: boolean;
  /**
   * Set when the actor gains power by a path the policy guards itself, so the change layer does not
   * refuse it as a self-grant: their own request (it always waits for another approver), an extension
   * the policy lets them make, or break-glass where the catalog allows it.
   */
  selfGrant?: boolean;
  /** `kind`: the kind the policy judges, when the change makes one of another kind (a review's revocation). */
  facts: Pick<ChangeFacts, 'users' | 'tenureDays'> & Partial<Pick<ChangeFacts, 'kind' | 'request'>>;
  audit: AuditEntry[];
  /** Slack and e-mail work, after the commit (never inside the transaction). */
  deliver?(result: R): Promise<R>;
  /**
   * Set by the change layer when it closes the change: the touched users' new `updatedAt` (each
   * touched user's `version` is one more than the handler read it).
   */
  closedAt?: Date;
}

/**
 * What applying a change that touches no user's record comes to: no version to bump, no rule or grant to
 * judge for a person. `targets` may still name users whose pending requests it makes stale.
 */
export function touchingNoUser<R>(
  result: R,
  fields: Omit<Applied<R>, 'result' | 'touched' | 'targets' | 'gains' | 'facts'> & Partial<Pick<Applied<R>, 'targets'>>,
): Applied<R> {
  return { result, touched: [], targets: [], gains: [], facts: { users: 0 }, ...fields };
}

/** One kind of change. */
export interface ChangeHandler<K extends ChangeKind, R> {
  permissions(change: ChangeOf<K>): AdminPermission[];
  apply(context: ChangeContext, change: ChangeOf<K>): Promise<Applied<R>>;
  /**
   * Optional, for batches: applies several changes of this kind together exactly as `apply` one after
   * another would, or throws, and the change layer undoes it and applies them one by one.
   */
  applyMany?(context: ChangeContext, changes: ChangeOf<K>[]): Promise<Applied<R>[]>;
}
