/**
 * The catalog's `policy.grants`: per role or permission key, the longest a time-bound grant may last,
 * whether it may only be held time-bound (beside the owner), whether break-glass may take it and how
 * often, and how many times a holder may extend it without an approver. And the spans a grant is asked
 * for in (`4h`, `2d`, a date).
 */
import { z } from 'zod';
import { fail } from '../../errors';
import { DAY_MS, HOUR_MS } from '../clock';

/** The longest any time-bound grant may last, whatever the policy says (a year). */
export const LONGEST_GRANT_HOURS = 366 * 24;

/** How long break-glass may last where the policy names no `maxHours` for the role. */
export const BREAK_GLASS_HOURS = 4;

/** What the policy says about time-bound grants of one role or permission. */
export const grantRuleSchema = z
  .object({
    /** The longest one grant (or one extension) may last, in hours (default a year; break-glass 4 h). */
    maxHours: z.number().positive().max(LONGEST_GRANT_HOURS).optional(),
    /** Break-glass may take it: granted at once to oneself, reviewed by an Admin afterwards (roles only). */
    breakGlass: z.boolean().default(false),
    /** Held only time-bound: nobody but the owner is given it for good. */
    timeBoundOnly: z.boolean().default(false),
    /** How many times a holder may extend one grant without an approver. */
    selfExtensions: z.number().int().min(0).max(3).default(0),
    /** How many break-glass uses one person may make in 30 days. */
    breakGlassPer30Days: z.number().int().min(1).max(100).default(3),
  })
  .strict();

export type GrantRule = z.infer<typeof grantRuleSchema>;
export type GrantPolicy = Record<string, GrantRule>;

/** The rule for `key`, or the defaults when the policy names none. */
export function grantRuleOf(policy: GrantPolicy, key: string): GrantRule {
  return policy[key] ?? grantRuleSchema.parse({});
}

/** The longest a grant of `key` may last, in hours. */
export function maxHoursOf(policy: GrantPolicy, key: string): number {
  return grantRuleOf(policy, key).maxHours ?? LONGEST_GRANT_HOURS;
}

/** The role keys the policy lets nobody but the owner hold for good. */
export function timeBoundOnlyRoles(policy: GrantPolicy): string[] {
  return Object.entries(policy)
    .filter(([, rule]) => rule.timeBoundOnly)
    .map(([key]) => key);
}

/** How long a grant lasts: a number of minutes from when it starts, or until a moment. */
export type GrantSpan = { minutes: number } | { until: string };

/** The end of a grant of `span` that starts at `now`. */
export function endOf(span: GrantSpan, now: Date): Date {
  return 'minutes' in span ? new Date(now.getTime() + span.minutes * 60_000) : new Date(span.until);
}

/**
 * Refuses a span for `key` that ends before it starts or lasts longer than the policy allows; `what`
 * names the access in the message.
 */
export function checkSpan(policy: GrantPolicy, key: string, what: string, span: GrantSpan, now: Date): Date {
  const end = endOf(span, now);
  if (Number.isNaN(end.getTime()) || end.getTime() <= now.getTime()) {
    throw fail.badInput(`The end of ${what} must be in the future.`, { field: 'until' });
  }
  const hours = maxHoursOf(policy, key);
  if (end.getTime() - now.getTime() > hours * HOUR_MS + 60_000) {
    throw fail.badInput(`${capitalised(what)} may last at most ${spanText(hours * 60)}; ask for less.`, { field: 'for' });
  }
  return end;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * A span as typed: `30m`, `4h`, `2d`, `1w`, or a date (`2026-12-24`, its end in UTC) or a moment
 * (`2026-12-24T18:00Z`). Null when it is neither.
 */
export function parseSpan(text: string): GrantSpan | null {
  const trimmed = text.trim().toLowerCase();
  const relative = /^(\d{1,5})\s*(m|min|h|d|w)$/.exec(trimmed);
  if (relative) {
    const n = Number(relative[1]);
    const unit = relative[2] === 'h' ? 60 : relative[2] === 'd' ? 24 * 60 : relative[2] === 'w' ? 7 * 24 * 60 : 1;
    return n > 0 ? { minutes: n * unit } : null;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    const day = new Date(`${trimmed}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== trimmed) return null;
    return { until: new Date(day.getTime() + DAY_MS - 1000).toISOString() };
  }
  if (/^\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(:\d{2})?(z|[+-]\d{2}:?\d{2})$/.test(trimmed)) {
    const at = new Date(trimmed.toUpperCase());
    return Number.isNaN(at.getTime()) ? null : { until: at.toISOString() };
  }
  return null;
}

/** `90` → `1 h 30 min`; `2880` → `2 days`. */
export function spanText(minutes: number): string {
  if (minutes % (24 * 60) === 0) {
    const days = minutes / (24 * 60);
    return `${days} day${days === 1 ? '' : 's'}`;
  }
  const hours = Math.floor(minutes / 60);
  const rest = Math.round(minutes % 60);
  return [hours > 0 ? `${hours} h` : '', rest > 0 ? `${rest} min` : ''].filter(Boolean).join(' ');
}
