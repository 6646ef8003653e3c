/**
 * The e-mails that carry a link to act on (an invite, its reminder, a password link, a credential reveal
 * link): what each says, in the layout of email-layout.ts. They tell what the invite page tells: the
 * account, who sent it, the roles, the note, and when the link stops working, in words.
 */
import type { OutgoingLink } from '../../domain/ports';
import type { EmailContent } from './email-layout';

const WHEN = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/** A moment as people read it, e.g. `Monday 7 December 2026 at 14:00 UTC` (mail is read anywhere: UTC, said so). */
export function whenInWords(date: Date): string {
  return `${WHEN.format(date)} UTC`;
}

function credentialName(message: OutgoingLink): string {
  return message.credential === 'passcode' ? 'API passcode' : 'API key';
}

/** The subject line of each kind of link. */
export function linkSubject(message: OutgoingLink, accountName: string): string {
  switch (message.kind) {
    case 'invite':
      return `${message.fromName ?? 'An admin'} invited you to ${accountName}`;
    case 'invite-reminder':
      return 'Reminder: your invitation is waiting';
    case 'password-link':
      return 'Set your password';
    case 'password-reset':
      return 'Reset your password';
    case 'credential-reveal':
      return `Your new ${credentialName(message)}`;
  }
}

/** What the e-mail says before the link, and what its button says. */
function opening(message: OutgoingLink, accountName: string): { heading: string; paragraphs: string[]; button: string } {
  const from = message.fromName ?? 'An admin';
  switch (message.kind) {
    case 'invite':
    case 'invite-reminder':
      return {
        heading: message.kind === 'invite' ? `Join ${accountName}` : `Your invitation to ${accountName} is waiting`,
        paragraphs: [
          `${from} invited you to join ${accountName}. Open the link to choose your name and password, or to sign in with Google.`,
        ],
        button: 'Accept the invitation',
      };
    case 'password-link':
      return {
        heading: 'Set your password',
        paragraphs: [`Use this link to set a new password for ${accountName}. It works once.`],
        button: 'Set your password',
      };
    case 'password-reset':
      return {
        heading: 'Reset your password',
        paragraphs: [
          `Someone asked for a link to set a new password for ${message.email} in ${accountName}. Use this link to set one; it works once.`,
          'If you did not ask, ignore this message: your password stays as it is.',
        ],
        button: 'Set a new password',
      };
    case 'credential-reveal':
      return {
        heading: `Your new ${credentialName(message)}`,
        paragraphs: [
          `${from} issued you a new ${credentialName(message)}. For safety it is not in this message: open the link to see it. The link works once and shows it once, so have somewhere safe to keep it, like a password manager.`,
        ],
        button: `Show my ${credentialName(message)}`,
      };
  }
}

/** The whole e-mail for a link; `accountName` says what it is for. */
export function linkEmail(message: OutgoingLink, accountName: string): EmailContent {
  const { heading, paragraphs, button } = opening(message, accountName);
  const facts: EmailContent['facts'] = [{ label: 'Account', value: accountName }];
  if (message.name) facts.push({ label: 'For', value: `${message.name} (${message.email})` });
  else facts.push({ label: 'For', value: message.email });
  const invite = message.kind === 'invite' || message.kind === 'invite-reminder';
  if (message.fromName) facts.push({ label: invite ? 'Invited by' : 'Sent by', value: message.fromName });
  if (invite && message.roles && message.roles.length > 0) {
    facts.push({ label: message.roles.length > 1 ? 'Your roles' : 'Your role', value: message.roles.join(', ') });
  }
  const expires = whenInWords(message.expiresAt);
  facts.push({ label: 'Link expires', value: expires });
  return {
    subject: linkSubject(message, accountName),
    preview: paragraphs[0] ?? heading,
    heading,
    paragraphs,
    facts,
    note: message.note ? { from: message.fromName ?? 'the admin', text: message.note } : undefined,
    button: { label: button, href: message.link },
    after: [`The link expires ${expires}. If it has expired, ask an admin for a new one.`],
    footer: `Sent by Roster for ${accountName} to ${message.email}.`,
  };
}
