/**
 * Label bounding: every label value Roster exports comes from a fixed vocabulary, so a scrape never
 * carries an e-mail, an ID or a token, and the number of series stays small whatever callers pass.
 */
import { CHANGE_HANDLERS } from '../domain/changes/change-handlers';
import { isSubcommand } from '../slack/commands/subcommands';
import type { SlackSurface } from './metrics-port';

/** What a value outside a label's vocabulary is exported as. */
export const OTHER = 'other';

const CHANGE_KINDS: ReadonlySet<string> = new Set(Object.keys(CHANGE_HANDLERS));

/** A change kind as registered (directory-change.ts), else `other`. */
export function changeKindLabel(kind: unknown): string {
  return typeof kind === 'string' && CHANGE_KINDS.has(kind) ? kind : OTHER;
}

/** The first word of a `/users` command's text when it names a subcommand; `help` for none (as `/users` answers), else `other`. */
export function subcommandLabel(text: unknown): string {
  const word = typeof text === 'string' ? (text.trim().split(/\s+/)[0] ?? '').toLowerCase() : '';
  if (word === '') return 'help';
  return isSubcommand(word) ? word : OTHER;
}

/** `value` when it is one of `allowed`, else `other`. */
export function oneOf(value: unknown, allowed: readonly string[]): string {
  return typeof value === 'string' && allowed.includes(value) ? value : OTHER;
}

/** Which surface a Slack request body is, from its shape (Bolt's own tests of it, in short). */
export function slackSurfaceOf(body: unknown): SlackSurface {
  const raw = (body ?? {}) as { command?: unknown; type?: unknown };
  if (typeof raw.command === 'string') return 'command';
  switch (raw.type) {
    case 'block_actions':
    case 'interactive_message':
      return 'action';
    case 'view_submission':
    case 'view_closed':
      return 'view';
    case 'event_callback':
      return 'event';
    case 'shortcut':
    case 'message_action':
      return 'shortcut';
    case 'block_suggestion':
      return 'options';
    default:
      return 'other';
  }
}

/** The path words Roster's HTTP API routes are made of; any other segment is a value (`:id`). */
const ROUTE_WORDS: ReadonlySet<string> = new Set([
  'api',
  'v1',
  'auth',
  'verify',
  'exchange',
  'login',
  'assets',
  'audit',
  'scim',
  'v2',
  'Users',
  'Groups',
  'Bulk',
  'Me',
  '.search',
  'ServiceProviderConfig',
  'ResourceTypes',
  'Schemas',
]);

/** Segments kept from a path at most: a longer path is folded into its first ones and `…`. */
const MAX_SEGMENTS = 5;

/**
 * A request path as a route template: the API's own words kept, every other segment (a user's ID, an
 * e-mail, a token) replaced by `:id`, and the query dropped, e.g. `/scim/v2/Users/:id`.
 */
export function routeTemplate(path: string): string {
  const segments = (path.split('?')[0] ?? '').split('/').filter((segment) => segment !== '');
  const words = segments.slice(0, MAX_SEGMENTS).map((segment) => (ROUTE_WORDS.has(segment) ? segment : ':id'));
  if (segments.length > MAX_SEGMENTS) words.push('…');
  return `/${words.join('/')}`;
}

/** Which API a path belongs to, or null for what is not measured by route (pages, Slack, health). */
export function httpSurfaceOf(path: string): 'scim' | 'auth' | 'api' | null {
  if (path === '/scim/v2' || path.startsWith('/scim/v2/')) return 'scim';
  if (path.startsWith('/api/v1/auth/') || path === '/api/v1/login' || path === '/api/v1/auth') return 'auth';
  if (path === '/api/v1' || path.startsWith('/api/v1/')) return 'api';
  return null;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** An HTTP method Roster answers, else `other`. */
export function methodLabel(method: string): string {
  return oneOf(method.toUpperCase(), METHODS);
}

/** A status as its number when it is a real HTTP status, else `other`. */
export function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : OTHER;
}

/**
 * What a rate limit's key says about the limit, without the client, user or account it names: its first
 * two words (`fail:scim`, `use:apikey`, `forgot:email`) when they are plain lower-case words.
 */
export function rateLimitScope(key: string): string {
  const [kind = '', what = ''] = key.split(':');
  return /^[a-z]{1,12}$/.test(kind) && /^[a-z-]{1,16}$/.test(what) && RATE_LIMIT_KINDS.includes(kind) ? `${kind}:${what}` : OTHER;
}

/** The first words of Roster's rate-limit keys (web/api-routes.ts, audit-routes.ts, scim-routes.ts, forgot-password-page.ts). */
const RATE_LIMIT_KINDS = ['fail', 'use', 'forgot'];
