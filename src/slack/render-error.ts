/**
 * The one place that turns errors into what a Slack user reads: a RosterError's own sentence
 * (with its problem list and hint), or, for anything unexpected, a reference to the log.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { isRosterError, type RosterError } from '../errors';
import { asStoreUnreachable } from '../store/store-unreachable';
import type { Reply } from './reply';

/** Text for an expected error, listing each problem on its own line. */
export function errorText(error: RosterError): string {
  const lines = [`:warning: ${error.message}`];
  for (const problem of error.problems) lines.push(`• ${problem.subject} — ${problem.reason}`);
  if (error.hint) lines.push(error.hint);
  return lines.join('\n');
}

/**
 * Maps any thrown value to a reply; a store that cannot be reached is said plainly (and logged as a
 * warning: it is the store's outage, not Roster's bug), other unexpected ones are logged with a
 * reference the user can quote.
 */
export function renderError(error: unknown, logger: Logger): Reply {
  if (isRosterError(error)) return { text: errorText(error) };
  const unreachable = asStoreUnreachable(error);
  if (unreachable) {
    logger.warn({ err: error }, 'the store cannot be reached; told the Slack user so');
    return { text: errorText(unreachable) };
  }
  const ref = randomBytes(4).toString('hex');
  logger.error({ err: error, ref }, 'unexpected error while handling a Slack request');
  return {
    text: `:x: Something went wrong on Roster's side (reference ${ref}). Try again; if it keeps happening, give the reference to whoever runs Roster.`,
  };
}

/** Field errors for `response_action: errors`, when the error names a modal field. */
export function fieldErrors(error: unknown, blockIds: Record<string, string>): Record<string, string> | null {
  if (!isRosterError(error) || !error.field) return null;
  const blockId = blockIds[error.field];
  if (!blockId) return null;
  return { [blockId]: [error.message, ...error.problems.map((p) => `${p.subject} ${p.reason}`)].join(' ').slice(0, 2000) };
}
