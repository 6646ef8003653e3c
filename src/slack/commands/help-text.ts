/** `/users help`: one sentence per subcommand beside its usage line (from `SUBCOMMANDS`), in the table's order. */
import { isSubcommand, SUBCOMMANDS, type Subcommand } from './subcommands';

/** One sentence per subcommand for `/users help`. */
const SUMMARY: Record<Subcommand, string> = {
  list: 'List users, 20 a page, filtered by text, status, role or group; `--temporary` lists who holds access for a while, and until when.',
  show: 'Show a user card with the actions their status allows.',
  invite: 'Invite 1–50 people; `ann@x.com:editor` gives one address its own role (no arguments opens the invite form).',
  resend: 'Send the invite again: the same link while valid, else a fresh one (also for expired and revoked users).',
  'invite-link': 'Issue a new invite link, shown only to you; the old link stops working.',
  'password-link': 'Send an active user a link to set a new password (`--end-password`: the old one stops working now).',
  edit: 'Change a name or an e-mail; an active user keeps their Slack link and is told at both addresses.',
  roles:
    'Add or remove roles (no changes opens the form; no user opens bulk roles, on everyone matching the filters given); with `--for 4h` or `--until <date>` and a `--reason`, only for a while.',
  perms: 'Grant or remove extra permissions; with `--for 4h` or `--until <date>` and a `--reason`, only for a while.',
  request:
    'Ask for a role or permission for yourself for a while; an approver decides. With `--break-glass`, where the catalog allows it, you hold it at once and an Admin reviews it afterwards.',
  groups: 'Add a user to groups or remove them.',
  group: 'List, create, rename or delete groups, or add or remove many people at once.',
  partner:
    'List, add, rename or delete the account’s partners (whose data a Partner sees, or a Normal user is granted); delete moves holders with `--reassign`.',
  'scim-token':
    'Create or replace the bearer token your identity provider uses for SCIM provisioning (sent to you by DM, shown once); `revoke` ends it.',
  webhook:
    'Send the audit trail to HTTPS endpoints as signed events (owner only): add (the signing secret comes by DM, shown once), list, test, replay since a time, resume a paused or failing one now, remove.',
  review:
    'Access reviews: your rows to review (Keep, Remove access, Revoke user); admins start one over roles, permissions, groups, partners or everyone, follow it, get its report, close it, or move a reviewer’s rows.',
  disable: 'Block a user for now; their credentials are kept but refused.',
  enable: 'Let a disabled user in again.',
  revoke: 'Remove access: API key, passcode, password and pending links stop working.',
  delete: 'Delete users for good (or everyone matching the filters, never you or the owner); their assets move to the owner.',
  apikey:
    'Generate a new API key, sent to the holder by DM (or e-mailed as a show-once link); the old one stops working once it is sent.',
  passcode: 'Grant or reset a time-limited API passcode.',
  props: 'Set or remove custom properties.',
  signin: 'Switch a user to Google sign-in or back to a password.',
  owner: 'Transfer account ownership; when the owner is disabled or left Slack, an Admin asks and a second Admin approves.',
  'first-approver':
    'Owner only, while nobody else may approve: make one active user an Admin without an approval, once (announced in the approvals channel).',
  seats: 'Seats used and the plan limit.',
  export: 'Get the directory as a CSV file in a DM.',
  audit: 'Recent changes, optionally about one user.',
  approvals: 'Approval requests waiting.',
  help: 'This help, or the usage of one subcommand.',
};

/** The general help, or one subcommand's usage and summary. */
export function helpText(subcommand?: string): string {
  if (subcommand && isSubcommand(subcommand)) return `\`${SUBCOMMANDS[subcommand].usage}\`\n${SUMMARY[subcommand]}`;
  const lines = (Object.keys(SUBCOMMANDS) as Subcommand[]).map((name) => `• \`${SUBCOMMANDS[name].usage}\` — ${SUMMARY[name]}`);
  return ['*Roster* runs this account’s user directory. `<who>` is an e-mail address or an @mention.', ...lines].join('\n');
}
