/**
 * The e-mails that only tell (a sign-in lockout, an address change): what each says, in the layout of
 * email-layout.ts, with the same facts as the Slack DM that goes with it.
 */
import type { OutgoingNotice } from '../../domain/ports';
import type { EmailContent } from './email-layout';
import { whenInWords } from './link-email';

const UNEXPECTED = 'If you did not expect this, tell an admin.';

/** The whole e-mail for a notice; `accountName` says which account it is about. */
export function noticeEmail(notice: OutgoingNotice, accountName: string): EmailContent {
  const footer = `Sent by Roster for ${accountName} to ${notice.email}.`;
  const account = { label: 'Account', value: accountName };
  if (notice.kind === 'lockout') {
    const attempts = `${notice.failures} failed sign-in attempt${notice.failures === 1 ? '' : 's'}`;
    return {
      subject: `Signing in to ${accountName} is paused`,
      preview: `After ${attempts}, signing in to your account is paused.`,
      heading: 'Signing in is paused',
      paragraphs: [
        `After ${attempts}, signing in to your ${accountName} account (${notice.email}) is paused until ${whenInWords(notice.until)}. Wait until then, or ask an admin to clear the lockout.`,
        'If that was not you, tell an admin: someone may be guessing your password.',
      ],
      facts: [
        account,
        { label: 'Paused until', value: whenInWords(notice.until) },
        { label: 'Tried from', value: notice.addresses.join(', ') },
      ],
      after: [],
      footer,
    };
  }
  const stays = notice.password
    ? 'Your password, API key and passcode stay as they are.'
    : 'Your API key and passcode stay as they are.';
  const toOld = notice.email === notice.from;
  return {
    subject: `The e-mail address of your ${accountName} account changed`,
    preview: `${notice.by} changed it from ${notice.from} to ${notice.to}.`,
    heading: 'Your e-mail address changed',
    paragraphs: [
      toOld
        ? `${notice.by} changed the e-mail address of your ${accountName} account from ${notice.from} to ${notice.to}. Sign in with ${notice.to} from now on.`
        : `${notice.to} is now the e-mail address of your ${accountName} account (it was ${notice.from}); ${notice.by} changed it.`,
      stays,
      UNEXPECTED,
    ],
    facts: [
      account,
      { label: 'Old address', value: notice.from },
      { label: 'New address', value: notice.to },
      { label: 'Changed by', value: notice.by },
    ],
    after: [],
    footer,
  };
}
