/**
 * The account people name when one address may live in several (API sign-in, the server console): its
 * Slack team or organization ID, else its identifier (slug). An ID wins over a slug that happens to read
 * the same, so a workspace named after another's ID cannot stand in for it.
 */
import { findAccountIdBySlackId, findAccountIdBySlug } from '../../store/accounts/account-reads';
import type { Db } from '../../store/tx';

const SLACK_ID = /^[TE][A-Z0-9]{2,}$/;

/** The account's ID, or undefined when no account goes by that name. */
export async function accountNamed(db: Db, name: string): Promise<string | undefined> {
  const trimmed = name.trim().slice(0, 100);
  if (!trimmed) return undefined;
  if (SLACK_ID.test(trimmed)) {
    const bySlackId = await findAccountIdBySlackId(db, trimmed);
    if (bySlackId) return bySlackId;
  }
  return (await findAccountIdBySlug(db, trimmed.toLowerCase())) ?? undefined;
}
