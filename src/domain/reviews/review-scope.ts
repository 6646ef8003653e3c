/**
 * What an access review covers and who reviews it, as `/users review start` and the catalog's
 * `policy.reviews` say it; and the access a review row names (`role:admin`, `perm:users:export`, …).
 */
import { z } from 'zod';

const name = z.string().trim().min(1).max(100);
const list = z.array(name).max(20);

/** What is under review: holders of these roles, extra permissions, groups and partner scopes, or everyone. */
export const reviewScopeSchema = z
  .object({
    roles: list.default([]),
    perms: list.default([]),
    groups: list.default([]),
    partners: list.default([]),
    everyone: z.boolean().default(false),
  })
  .strict()
  .refine((scope) => scope.everyone || scopeParts(scope) > 0, {
    message: 'name what is under review: roles, perms, groups, partners, or everyone',
  });

export type ReviewScope = z.infer<typeof reviewScopeSchema>;

function scopeParts(scope: { roles: string[]; perms: string[]; groups: string[]; partners: string[] }): number {
  return scope.roles.length + scope.perms.length + scope.groups.length + scope.partners.length;
}

/** Reviewers by rule: the owner, every approver, each user's inviter. */
export const REVIEWER_RULES = ['owner', 'approvers', 'inviter'] as const;
export type ReviewerRule = (typeof REVIEWER_RULES)[number];

/** What happens to rows still open at the due date. */
export const ON_OVERDUE = ['remind', 'revoke-access'] as const;
export type OnOverdue = (typeof ON_OVERDUE)[number];

/** What a reviewer decides about one row. */
export const REVIEW_DECISIONS = ['keep', 'remove', 'revoke'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** A scheduled review in the catalog (`policy.reviews`), started by the scheduler every `everyDays`. */
export const scheduledReviewSchema = z
  .object({
    name: z.string().trim().min(1).max(60),
    scope: reviewScopeSchema,
    everyDays: z.number().int().min(1).max(366),
    /** `owner`, `approvers`, `inviter`, or a person's e-mail address. */
    reviewers: z.array(z.string().trim().min(1).max(320)).min(1).max(20).default(['owner']),
    dueDays: z.number().int().min(1).max(90).default(14),
    onOverdue: z.enum(ON_OVERDUE).default('remind'),
  })
  .strict();

export type ScheduledReview = z.infer<typeof scheduledReviewSchema>;

/** The access one row is about, parsed from its stored text. */
export type ReviewedAccess =
  | { type: 'role'; key: string; scope: string | null }
  | { type: 'perm'; key: string }
  | { type: 'group'; name: string }
  | { type: 'account' };

/** The stored text of an access: `role:key[=scope]`, `perm:key`, `group:name`, `account`. */
export function accessText(access: ReviewedAccess): string {
  if (access.type === 'role') return `role:${access.key}${access.scope ? `=${access.scope}` : ''}`;
  if (access.type === 'perm') return `perm:${access.key}`;
  if (access.type === 'group') return `group:${access.name}`;
  return 'account';
}

/** The access a row's stored text names. */
export function parseAccess(text: string): ReviewedAccess {
  if (text === 'account') return { type: 'account' };
  const colon = text.indexOf(':');
  const type = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (type === 'role') {
    const at = rest.indexOf('=');
    return at < 0 ? { type, key: rest, scope: null } : { type, key: rest.slice(0, at), scope: rest.slice(at + 1) };
  }
  if (type === 'perm') return { type, key: rest };
  if (type === 'group') return { type, name: rest };
  throw new Error(`not a reviewed access: ${text}`);
}

/** How a row's access reads to a reviewer. */
export function accessLabel(text: string): string {
  const access = parseAccess(text);
  if (access.type === 'role') return `role ${access.key}${access.scope ? ` (${access.scope})` : ''}`;
  if (access.type === 'perm') return `extra permission ${access.key}`;
  if (access.type === 'group') return `group ${access.name}`;
  return 'access to the account';
}

/** What "Remove access" does to a row's access, as a reviewer is told beforehand. */
export function removalLabel(text: string): string {
  const access = parseAccess(text);
  if (access.type === 'group') return `remove them from group ${access.name}`;
  if (access.type === 'account') return 'disable them';
  return `remove the ${accessLabel(text)}`;
}

/** The scope in a line: `roles admin, editor · perms users:export · everyone`. */
export function describeScope(scope: ReviewScope): string {
  if (scope.everyone) return 'everyone';
  const parts = [
    scope.roles.length ? `role ${scope.roles.join(', ')}` : '',
    scope.perms.length ? `extra permission ${scope.perms.join(', ')}` : '',
    scope.groups.length ? `group ${scope.groups.join(', ')}` : '',
    scope.partners.length ? `partner ${scope.partners.join(', ')}` : '',
  ];
  return parts.filter(Boolean).join(' · ');
}
