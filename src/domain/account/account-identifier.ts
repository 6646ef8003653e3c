/**
 * The account people name when one address may live in several (API sign-in, the server console): its
 * Slack team or organization ID, else its identifier (slug). An ID wins over a slug that happens to read
 * the same, so a workspace named after another's ID cannot stand in for it.
 */
import type { Db } from '../../store/tx';

const SLACK_ID = /^[TE][A-Z0-9]{2,}$/;

/** The account's ID, or undefined when no account goes by that name. */
export async function accountNamed(db: Db, name: string): Promise<string | undefined> {
  const trimmed = name.trim().slice(0, 100);
  if (!trimmed) return undefined;
  if (SLACK_ID.test(trimmed)) {
    const bySlackId = await db.account.findFirst({
      where: { OR: [{ slackTeamId: trimmed }, { slackEnterpriseId: trimmed }] },
      select: { id: true },
    });
    if (bySlackId) return bySlackId.id;
  }
  return (await db.account.findUnique({ where: { slug: trimmed.toLowerCase() }, select: { id: true } }))?.id;
}
