/**
 * The playground's directory on first start, made through Roster's own change layer as its people
 * would make it: the owner invites the seeded people, each accepts the link the e-mail brought, and
 * the owner makes the second Admin the first co-approver; each has used Roster in Slack once (linked).
 * Everything it does is in the audit trail.
 */
import type { Catalog } from '../domain/roles/catalog';
import type { Roster } from '../roster';
import { findUserByEmail } from '../store/users/user-reads';
import type { OutboxMail } from './playground-outbox';
import { OWNER, PEOPLE, type PlaygroundPerson } from './playground-workspace';

/** Seeds the directory on first start; false when it was seeded before (anyone seeded is in it). */
export async function seedPlayground(roster: Roster, mails: () => OutboxMail[]): Promise<boolean> {
  const { domain, prisma, accountId } = roster;
  const seeded = PEOPLE.filter((person) => person.seeded && person.seeded !== 'owner');
  for (const person of seeded) if (await findUserByEmail(prisma, accountId, person.email)) return false;
  const owner = await domain.access.actorForSlackUser(OWNER.slackId, 'command');
  await domain.changes.submit(owner, { kind: 'edit', user: { email: OWNER.email }, name: OWNER.name });
  for (const person of seeded) {
    const role = roleFor(person, roster.config.catalog);
    await domain.changes.submit(owner, { kind: 'invite', emails: [person.email], roles: [role] });
    const token = inviteToken(mails(), person.email);
    await domain.signIn.acceptInvite(token, { name: person.name, google: true });
    // As if they had used Roster in Slack once: their Slack account is linked, so @mentions find them.
    await domain.access.actorForSlackUser(person.slackId, 'command');
  }
  const admin = seeded.find((person) => person.seeded === 'admin');
  if (admin) await domain.changes.submit(owner, { kind: 'first-approver', user: { email: admin.email } });
  return true;
}

/** The catalog's role for what the person is seeded as; a catalog without it gives its least role. */
function roleFor(person: PlaygroundPerson, catalog: Catalog): string {
  // The second Admin is invited with the least role and made an Admin as the first co-approver.
  const wanted = person.seeded === 'admin' ? undefined : person.seeded;
  const found = catalog.roles.find((role) => role.key === wanted);
  const least = [...catalog.roles].sort((a, b) => a.precedence - b.precedence)[0];
  return (found ?? least)?.key ?? 'viewer';
}

/** The invite link's secret, from the last e-mail the person was sent. */
function inviteToken(mails: OutboxMail[], email: string): string {
  const mail = mails.findLast((candidate) => candidate.to === email);
  const token = mail?.text.match(/\/invite\/([A-Za-z0-9_-]+)/)?.[1];
  if (!token) throw new Error(`the playground's invite to ${email} brought no link`);
  return token;
}
