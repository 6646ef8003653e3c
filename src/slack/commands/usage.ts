/** One usage line per `/users` subcommand (SPEC §4), and the help built from them. */
export const USAGE = {
  list: '/users list [text] [--status S] [--role R] [--group G] [--page N]',
  show: '/users show <who>',
  invite:
    '/users invite <emails> [--role R]... [--product P=LEVEL]... [--group G]... [--perm P]... [--partner NAME]... [--note "…"]',
  resend: '/users resend <who>',
  'invite-link': '/users invite-link <who>',
  'password-link': '/users password-link <who> [--end-password]',
  edit: '/users edit <who> [--name "…"] [--email …]',
  roles: '/users roles [<who> | --status S --role R --group G --text T] [+role]... [-role]...',
  perms: '/users perms <who> [+perm]... [-perm]...',
  groups: '/users groups <who> [+group]... [-group]...',
  group: '/users group list | create <name> | rename <old> <new> | delete <name>',
  partner: '/users partner list | add <name>',
  'scim-token': '/users scim-token [revoke]',
  disable: '/users disable <who>',
  enable: '/users enable <who>',
  revoke: '/users revoke <who>',
  delete: '/users delete <who>... | --status S --role R --group G --text T [--reason "…"]',
  apikey: '/users apikey <who>',
  passcode: '/users passcode grant <who> <1d|7d|30d|90d> | passcode reset <who>',
  props: '/users props <who> [key=value]... [-key]...',
  signin: '/users signin <who> google|password',
  owner: '/users owner <who>',
  seats: '/users seats',
  export: '/users export',
  audit: '/users audit [<who>] [--limit N]',
  approvals: '/users approvals',
  help: '/users help [subcommand]',
} as const;

export type Subcommand = keyof typeof USAGE;

const SUMMARY: Record<Subcommand, string> = {
  list: 'List users, 20 a page, filtered by text, status, role or group.',
  show: 'Show a user card with the actions their status allows.',
  invite: 'Invite 1–50 people; `ann@x.com:editor` gives one address its own role (no arguments opens the invite form).',
  resend: 'Send the invite again: the same link while valid, else a fresh one (also for expired and revoked users).',
  'invite-link': 'Issue a new invite link, shown only to you; the old link stops working.',
  'password-link': 'Send an active user a link to set a new password (`--end-password`: the old one stops working now).',
  edit: 'Change a name, or the e-mail of someone who has not accepted yet.',
  roles: 'Add or remove roles (no changes opens the form; no user opens bulk roles, on everyone matching the filters given).',
  perms: 'Grant or remove extra permissions.',
  groups: 'Add a user to groups or remove them.',
  group: 'List, create, rename or delete groups.',
  partner: 'List the account’s partners, or add one (the scopes a Partner role can take).',
  'scim-token':
    'Create or replace the bearer token your identity provider uses for SCIM provisioning (sent to you by DM, shown once); `revoke` ends it.',
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
  seats: 'Seats used and the plan limit.',
  export: 'Get the directory as a CSV file in a DM.',
  audit: 'Recent changes, optionally about one user.',
  approvals: 'Approval requests waiting.',
  help: 'This help, or the usage of one subcommand.',
};

export function isSubcommand(word: string): word is Subcommand {
  return Object.hasOwn(USAGE, word);
}

/** The general help, or one subcommand's usage and summary. */
export function helpText(subcommand?: string): string {
  if (subcommand && isSubcommand(subcommand)) return `\`${USAGE[subcommand]}\`\n${SUMMARY[subcommand]}`;
  const lines = (Object.keys(USAGE) as Subcommand[]).map((name) => `• \`${USAGE[name]}\` — ${SUMMARY[name]}`);
  return ['*Roster* runs this account’s user directory. `<who>` is an e-mail address or an @mention.', ...lines].join('\n');
}
