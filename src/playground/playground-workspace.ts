/**
 * The playground's small Slack workspace: who is in it, which channels it has, and what each person
 * is in Roster's directory when the playground first starts (src/playground/seed-playground.ts).
 */

export interface PlaygroundPerson {
  slackId: string;
  name: string;
  email: string;
  /** What the seed makes them in the directory; absent, they are only in Slack (someone to invite). */
  seeded?: 'owner' | 'admin' | 'editor' | 'viewer';
  /** One line the page shows under the name. */
  about: string;
}

export const PLAYGROUND_TEAM = { id: 'T0PLAYGRND', name: 'Playground', domain: 'playground' };
export const PLAYGROUND_APP_ID = 'A0ROSTERPG';
export const BOT_USER_ID = 'U0ROSTERBOT';

export const PEOPLE: readonly PlaygroundPerson[] = [
  { slackId: 'U0OLIVIA01', name: 'Olivia Owens', email: 'olivia@example.com', seeded: 'owner', about: 'Account owner, Admin' },
  { slackId: 'U0ADAM0002', name: 'Adam Alvarez', email: 'adam@example.com', seeded: 'admin', about: 'Admin, approves requests' },
  { slackId: 'U0MIA00003', name: 'Mia Moreau', email: 'mia@example.com', seeded: 'editor', about: 'Editor' },
  { slackId: 'U0VIC00004', name: 'Victor Vance', email: 'victor@example.com', seeded: 'viewer', about: 'Viewer' },
  { slackId: 'U0LEO00005', name: 'Leo Lin', email: 'leo@example.com', about: 'In Slack, not in Roster yet' },
];

export const OWNER = PEOPLE[0] as PlaygroundPerson;

export interface PlaygroundChannel {
  id: string;
  name: string;
  about: string;
}

/** Where commands are typed, where approval requests go, and where the scheduler's notices go. */
export const CHANNELS = {
  general: { id: 'C0GENERAL01', name: 'general', about: 'Type /users commands here' },
  approvals: { id: 'C0APPROVALS', name: 'roster-approvals', about: 'Approval requests (APPROVALS_CHANNEL)' },
  notices: { id: 'C0NOTICES01', name: 'roster-notices', about: "The scheduler's notices (NOTICES_CHANNEL)" },
} satisfies Record<string, PlaygroundChannel>;

export function personById(slackId: string): PlaygroundPerson | undefined {
  return PEOPLE.find((person) => person.slackId === slackId);
}

export function personByEmail(email: string): PlaygroundPerson | undefined {
  const wanted = email.trim().toLowerCase();
  return PEOPLE.find((person) => person.email === wanted);
}

/** A direct message channel with the app, as Slack names it for `conversations.open`. */
export function dmChannelOf(slackId: string): string {
  return `D${slackId.slice(1)}`;
}

export function personOfDm(channel: string): PlaygroundPerson | undefined {
  return channel.startsWith('D') ? personById(`U${channel.slice(1)}`) : undefined;
}
