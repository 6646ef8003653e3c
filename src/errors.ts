/**
 * Roster's one error vocabulary. Services throw `RosterError`s whose `message` is already
 * the short, user-facing sentence; the Slack and HTTP edges map them in one place each.
 */

/** Stable codes; edges decide presentation (ephemeral text, modal field error, HTTP status) by code. */
export type ErrorCode =
  | 'bad_input'
  | 'not_found'
  | 'unauthorized'
  | 'forbidden'
  | 'not_in_directory'
  | 'conflict'
  | 'invalid_state'
  | 'seat_limit'
  | 'last_admin'
  | 'last_role'
  | 'owner_protected'
  | 'not_grantable'
  | 'already_decided'
  | 'stale'
  | 'rate_limited'
  /** The store cannot be reached (connection refused, cut or timed out): nothing was changed. */
  | 'store_unreachable';

/** A problem the user can act on, e.g. one address of an invite and why it was refused. */
export interface Problem {
  subject: string;
  reason: string;
}

export interface RosterErrorOptions {
  /** The input field at fault (a modal block id or a command option), when there is one. */
  field?: string;
  /** Several problems reported together, e.g. every bad address of an invite. */
  problems?: Problem[];
  /** A follow-up the user can take, e.g. `resend` for an invited user who cannot be enabled. */
  hint?: string;
  cause?: unknown;
}

/** An expected failure with a stable code and a message fit to show the user. */
export class RosterError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly problems: Problem[];
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options: RosterErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'RosterError';
    this.code = code;
    this.field = options.field;
    this.problems = options.problems ?? [];
    this.hint = options.hint;
  }
}

/** Shorthand constructors, so call sites read as the rule they enforce. */
export const fail = {
  badInput: (message: string, options?: RosterErrorOptions) => new RosterError('bad_input', message, options),
  notFound: (message: string, options?: RosterErrorOptions) => new RosterError('not_found', message, options),
  forbidden: (message: string, options?: RosterErrorOptions) => new RosterError('forbidden', message, options),
  conflict: (message: string, options?: RosterErrorOptions) => new RosterError('conflict', message, options),
  invalidState: (message: string, options?: RosterErrorOptions) => new RosterError('invalid_state', message, options),
};

/** The short reason an external call failed: the Slack Web API's error code (`data.error`), else the message. */
export function reasonOf(error: unknown): string {
  const code = (error as { data?: { error?: unknown } } | null)?.data?.error;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

export function isRosterError(error: unknown): error is RosterError {
  return error instanceof RosterError;
}

/** Start-up refused: the message names every bad variable or file and what it should look like. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
