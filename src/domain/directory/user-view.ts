/**
 * How a user reads outside the store: the list row and the full card (SPEC §3), with the
 * primary role and passcode status worked out once here.
 */
import type { UserStatus } from '../../store/records';
import type { SummaryRecord, UserRecord } from '../../store/users/user-reads';
import { inForceAt } from '../grants/grants-in-force';
import { holdingsInForce, type MultipleRoles } from '../roles/precedence';

export type PasscodeStatus = { state: 'none' } | { state: 'active'; expiresAt: Date } | { state: 'expired'; expiresAt: Date };

export interface RoleView {
  key: string;
  name: string;
  product: string | null;
  scope: string | null;
  /** Held, but outranked by a role of higher precedence (catalog `multipleRoles: highest`). */
  overridden?: boolean;
}

/** One row of `/users list`. */
export interface UserSummary {
  id: string;
  email: string;
  name: string | null;
  status: UserStatus;
  primaryRole: RoleView | null;
  lastLoginAt: Date | null;
  passcode: PasscodeStatus;
}

/** Everything `/users show` tells about a user. */
export interface UserCard extends UserSummary {
  roles: RoleView[];
  extraPermissions: string[];
  groups: string[];
  signInMethod: 'password' | 'google' | 'sso';
  apiKeyPrefix: string | null;
  properties: { key: string; value: string }[];
  slackUserId: string | null;
  invitedBy: string | null;
  invitedAt: Date | null;
  inviteExpiresAt: Date | null;
  isOwner: boolean;
  createdAt: Date;
  /** A current sign-in lockout (too many failed attempts) and the client addresses behind it. */
  signInLock?: { until: Date; addresses: string[] } | null;
  /** Time-bound grants in force, soonest end first. */
  temporary: TemporaryView[];
  /** API keys of deleted users this user received as the owner (they act as this user); `card` reads them. */
  inheritedKeys?: { prefix: string; fromEmail: string; inheritedAt: Date }[];
}

/** A time-bound grant as the card shows it. */
export interface TemporaryView {
  id: string;
  /** `Admin`, `Partner (acme)`, or a permission key. */
  access: string;
  endsAt: Date;
  reason: string;
  breakGlass: boolean;
  /** Break-glass only: whether an Admin reviewed it. */
  reviewed: boolean;
}

/** The time-bound grants of `user` still in force at `now`. */
export function temporaryViews(user: Pick<UserRecord, 'timedGrants'>, now: Date): TemporaryView[] {
  return inForceAt(user.timedGrants, now).map((grant) => ({
    id: grant.id,
    access: grantAccessLabel(grant),
    endsAt: grant.endsAt,
    reason: grant.reason,
    breakGlass: grant.breakGlass,
    reviewed: grant.reviewedAt !== null,
  }));
}

/** What a grant gives, as people read it: a role's name (with its scope) or a permission's key. */
export function grantAccessLabel(grant: {
  role: { name: string } | null;
  scope: string | null;
  permission: string | null;
}): string {
  if (!grant.role) return grant.permission ?? '';
  return grant.scope ? `${grant.role.name} (${grant.scope})` : grant.role.name;
}

/** Roles ordered by precedence, highest first; the first is the primary role. */
export function rolesByPrecedence(user: Pick<SummaryRecord, 'roles'>): RoleView[] {
  return [...user.roles]
    .sort((a, b) => b.role.precedence - a.role.precedence || a.role.key.localeCompare(b.role.key))
    .map(({ role, scope }) => ({ key: role.key, name: role.name, product: role.product, scope }));
}

export function passcodeStatus(passcode: SummaryRecord['passcode'], now: Date): PasscodeStatus {
  if (!passcode || passcode.status === 'revoked') return { state: 'none' };
  if (passcode.status === 'expired' || passcode.expiresAt <= now) return { state: 'expired', expiresAt: passcode.expiresAt };
  return { state: 'active', expiresAt: passcode.expiresAt };
}

export function toSummary(user: SummaryRecord, now: Date): UserSummary {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    status: user.status,
    primaryRole: rolesByPrecedence(user)[0] ?? null,
    lastLoginAt: user.lastLoginAt,
    passcode: passcodeStatus(user.passcode, now),
  };
}

export function toCard(user: UserRecord, now: Date, ownerId: string | null, multipleRoles: MultipleRoles): UserCard {
  const overridden = new Set(holdingsInForce(user.roles, multipleRoles).overridden.map((h) => h.role.key));
  return {
    ...toSummary(user, now),
    roles: rolesByPrecedence(user).map((role) => ({ ...role, overridden: overridden.has(role.key) })),
    extraPermissions: user.extraPermissions,
    groups: user.groups.map((membership) => membership.group.name).sort(),
    signInMethod: user.signInMethod,
    apiKeyPrefix: user.apiKey?.prefix ?? null,
    properties: user.properties.map(({ key, value }) => ({ key, value })),
    slackUserId: user.slackUserId,
    invitedBy: user.invitedBy ? (user.invitedBy.name ?? user.invitedBy.email) : null,
    invitedAt: user.invitedAt,
    inviteExpiresAt: user.invites[0]?.expiresAt ?? null,
    isOwner: user.id === ownerId,
    createdAt: user.createdAt,
    temporary: temporaryViews(user, now),
  };
}
