/**
 * The `/users` subcommands, one entry each: its usage line, the options it takes and how its words
 * become a command. Adding a subcommand is adding an entry here (and a summary in `help-text.ts`).
 * `/users help` lists them in this order.
 */
import { z } from 'zod';
import { TENURE_RULE, tenureFromWord } from '../../domain/credentials/credential-service';
import { type GrantSpan, parseSpan } from '../../domain/grants/grant-policy';
import { ON_OVERDUE, REVIEWER_RULES, type ReviewerRule } from '../../domain/reviews/review-scope';
import { isEventPattern, MAX_PATTERNS } from '../../domain/webhooks/webhook-events';
import { type CommandInput, EMAIL, type OptionNames, refuse } from './command-input';
import {
  byAction,
  groupMembers,
  groupName,
  namedGroup,
  nothingElse,
  oneUser,
  type Parse,
  parseInvite,
  parseProps,
  userChanges,
} from './subcommand-parsers';

/** One subcommand's grammar. */
export interface SubcommandSpec extends OptionNames {
  /** Shown in `/users help` and with every refusal of this subcommand. */
  usage: string;
  /** The command these words mean; a `Refusal` when they do not fit. */
  parse: Parse;
}

const DISPLAY_NAME = z.string().min(1).max(100);
const PARTNER_NAME = z
  .string()
  .transform((name) => name.trim().replace(/\s+/g, ' '))
  .pipe(z.string().min(1).max(60));

/** `--since` of a replay: an ISO 8601 time (a date alone is its midnight UTC), or a span back (`30m`, `2h`, `3d`). */
const SINCE = z.union([
  z.string().regex(/^\d{1,4}[mhd]$/),
  z.iso.datetime({ offset: true }),
  z.iso.date().transform((date) => `${date}T00:00:00Z`),
]);

/** A webhook's URL as typed (checked by the change); Slack may send it as a link, `<https://…|label>`. */
function webhookUrl(raw: string | undefined): string {
  if (!raw) throw refuse('Give the endpoint’s URL, such as https://siem.example.com/roster.');
  if (raw.length > 2100) throw refuse('A webhook URL is at most 2000 characters.');
  return /^<([^|>]+)(?:\|[^>]*)?>$/.exec(raw)?.[1] ?? raw;
}

/** `--events user.*,approval.decided`: actions or prefixes of actions; none, every event. */
function eventPatterns(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const patterns = [...new Set(raw.split(/[\s,]+/).filter(Boolean))];
  const bad = patterns.find((pattern) => !isEventPattern(pattern));
  if (bad !== undefined)
    throw refuse(`\`${bad}\` is not an event: give actions such as user.invited, or prefixes such as user.*.`);
  if (patterns.length > MAX_PATTERNS) throw refuse(`At most ${MAX_PATTERNS} event patterns.`);
  return patterns;
}

/**
 * `--for 4h` (30m, 2d, 1w) or `--until 2026-12-24` (that day's end, UTC) or a moment, and `--reason`:
 * how long a time-bound grant lasts and why. Null when neither `--for` nor `--until` is given.
 */
function timedOptions(input: CommandInput): { span: GrantSpan; reason: string } | null {
  const forText = input.single('for');
  const untilText = input.single('until');
  if (forText === undefined && untilText === undefined) {
    if (input.single('reason') !== undefined) throw refuse('`--reason` goes with `--for 4h` or `--until <date>`.');
    return null;
  }
  if (forText !== undefined && untilText !== undefined) throw refuse('Give `--for` or `--until`, not both.');
  const span = parseSpan(forText ?? untilText ?? '');
  if (!span || (forText !== undefined && !('minutes' in span)) || (untilText !== undefined && 'minutes' in span)) {
    throw refuse(
      forText !== undefined
        ? `\`--for ${forText}\` is not a span such as 30m, 4h, 2d or 1w.`
        : `\`--until ${untilText}\` is not a date such as 2026-12-24 or a time such as 2026-12-24T18:00Z.`,
    );
  }
  const reason = input.single('reason')?.trim();
  if (!reason) throw refuse('Say why with `--reason "…"` (the incident or ticket); approvers and the audit trail read it.');
  if (reason.length > 500) throw refuse('`--reason` is at most 500 characters.');
  return { span, reason };
}

/** A review's number, as `/users review status` lists it. */
const REVIEW_NUMBER = z.coerce.number().int().min(1).max(1_000_000);

function reviewNumber(input: CommandInput, raw: string | undefined): number {
  if (raw === undefined) throw refuse('Give the review’s number, as `/users review status` lists it.');
  return input.check(REVIEW_NUMBER, raw.replace(/^#/, ''), `\`${raw}\` is not a review number.`);
}

/** `--due 14d` (days from now) or `--due 2026-12-24` (that day's end, UTC). */
function reviewDue(raw: string | undefined): { days: number } | { at: string } {
  if (raw === undefined) return { days: 14 };
  const days = /^(\d{1,4})d$/.exec(raw);
  if (days) {
    const n = Number(days[1]);
    if (n < 1 || n > 90) throw refuse('`--due` is 1d to 90d, or a date such as 2026-12-24.');
    return { days: n };
  }
  // A real day (not 2026-02-31, which Date would roll into March).
  const day = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? new Date(`${raw}T23:59:59Z`) : null;
  if (day && !Number.isNaN(day.getTime()) && day.toISOString().startsWith(raw)) return { at: day.toISOString() };
  throw refuse(`\`--due ${raw}\` is not a span such as 14d or a date such as 2026-12-24.`);
}

/** `/users review start …`: the scope, reviewers, due date and overdue rule. */
const parseReviewStart: Parse = (input) => {
  input.noExtra(1);
  const many = (name: string) =>
    (input.options.get(name) ?? [])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean);
  const scope = {
    roles: many('role'),
    perms: many('perm'),
    groups: input.options.get('group') ?? [],
    partners: input.options.get('partner') ?? [],
    everyone: input.flags.has('everyone'),
  };
  if (!scope.everyone && scope.roles.length + scope.perms.length + scope.groups.length + scope.partners.length === 0) {
    throw refuse('Say what is under review: `--role R`, `--perm P`, `--group G`, `--partner P`, or `--everyone`.');
  }
  for (const [option, given] of [
    ['role', scope.roles],
    ['perm', scope.perms],
    ['group', scope.groups],
    ['partner', scope.partners],
    ['reviewer', input.options.get('reviewer') ?? []],
  ] as const) {
    if (given.length > 20) throw refuse(`At most 20 \`--${option}\` in one review.`);
  }
  const reviewers = (input.options.get('reviewer') ?? ['owner']).map((raw) =>
    (REVIEWER_RULES as readonly string[]).includes(raw.toLowerCase()) ? (raw.toLowerCase() as ReviewerRule) : input.who(raw),
  );
  const onOverdue = input.check(
    z.enum(ON_OVERDUE).default('remind'),
    input.single('on-overdue'),
    '`--on-overdue` is `remind` or `revoke-access`.',
  );
  const name = input.single('name');
  if (name !== undefined && (name.trim().length === 0 || name.length > 100)) throw refuse('`--name` is 1 to 100 characters.');
  return {
    kind: 'review',
    action: 'start',
    scope,
    reviewers,
    due: reviewDue(input.single('due')),
    onOverdue,
    ...(name ? { name: name.trim() } : {}),
  };
};

/** `<who> +x… --for …`: only additions, each given for the span. */
function timedGrant(input: CommandInput, what: 'roles' | 'perms', timed: { span: GrantSpan; reason: string }) {
  const [first, ...rest] = input.args;
  const changes = input.plusMinus(rest);
  if (!first || /^[+-]/.test(first)) throw refuse('Give one user for a time-bound grant, then `+role`.');
  if (changes.remove.length > 0) throw refuse('A time-bound grant only adds; remove access without `--for`.');
  if (changes.add.length === 0)
    throw refuse(`Say what to give for a while, e.g. \`+${what === 'roles' ? 'admin' : 'users:export'}\`.`);
  return { kind: 'timed-grant' as const, who: input.who(first), what, add: changes.add, ...timed };
}

/** `remove | test | resume <url>`. */
function webhookAt(action: 'remove' | 'test' | 'resume'): Parse {
  return (input) => {
    input.noExtra(2);
    return { kind: 'webhook', action, url: webhookUrl(input.args[1]) };
  };
}

/** `/users list …` with its filters. */
const listCommand: Parse = (input) => ({
  kind: 'list',
  text: input.args.join(' ') || undefined,
  status: input.status(),
  role: input.single('role'),
  group: input.single('group'),
  page: input.wholeNumber('page', 1, 100_000, 1),
});

/** Subcommand name → grammar, in the order `/users help` lists them. */
export const SUBCOMMANDS = {
  list: {
    usage: '/users list [text] [--status S] [--role R] [--group G] [--page N] | --temporary',
    options: ['status', 'role', 'group', 'page'],
    flags: ['temporary'],
    parse: (input) => {
      if (input.flags.has('temporary')) {
        input.noExtra(0);
        return { kind: 'temporary' };
      }
      return listCommand(input);
    },
  },
  show: { usage: '/users show <who>', parse: oneUser('show') },
  invite: {
    usage:
      '/users invite <emails> [--role R]... [--product P=LEVEL]... [--group G]... [--perm P]... [--partner NAME]... [--note "…"]',
    options: ['role', 'product', 'group', 'perm', 'note', 'partner'],
    parse: parseInvite,
  },
  resend: { usage: '/users resend <who>', parse: oneUser('resend') },
  'invite-link': { usage: '/users invite-link <who>', parse: oneUser('invite-link') },
  'password-link': {
    usage: '/users password-link <who> [--end-password]',
    flags: ['end-password'],
    parse: (input) => ({ kind: 'password-link', who: input.onlyWho(), endPassword: input.flags.has('end-password') }),
  },
  edit: {
    usage: '/users edit <who> [--name "…"] [--email …]',
    options: ['name', 'email'],
    parse: (input) => {
      const who = input.onlyWho();
      const name = input.single('name');
      const email = input.single('email');
      input.check(DISPLAY_NAME.optional(), name, '`--name` must be 1 to 100 characters.');
      const message = `\`--email ${email}\` is not a valid e-mail address.`;
      return { kind: 'edit', who, name, email: input.check(EMAIL.optional(), email, message) };
    },
  },
  roles: {
    usage:
      '/users roles [<who> | --status S --role R --group G --text T] [+role]... [-role]... | <who> +role... --for 4h|--until 2026-12-24 --reason "…"',
    options: ['status', 'role', 'group', 'text', 'for', 'until', 'reason'],
    parse: (input) => {
      const { args } = input;
      const timed = timedOptions(input);
      if (timed) return timedGrant(input, 'roles', timed);
      const filter = input.filter();
      if (filter) {
        if (args[0] && !/^[+-]/.test(args[0])) throw refuse('Give one user or a filter (`--status`, `--role`, …), not both.');
        return { kind: 'bulk-roles', filter, ...input.plusMinus(args) };
      }
      if (args.length === 0) return { kind: 'bulk-roles' };
      return { kind: 'roles', who: input.who(args[0]), ...input.plusMinus(args.slice(1)) };
    },
  },
  perms: {
    usage: '/users perms <who> [+perm]... [-perm]... | <who> +perm... --for 4h|--until 2026-12-24 --reason "…"',
    options: ['for', 'until', 'reason'],
    parse: (input) => {
      const timed = timedOptions(input);
      return timed ? timedGrant(input, 'perms', timed) : userChanges('perms')(input);
    },
  },
  request: {
    usage: '/users request <role|perm>... --for 2h|--until 2026-12-24 --reason "…" [--break-glass]',
    options: ['for', 'until', 'reason'],
    flags: ['break-glass'],
    parse: (input) => {
      const access = input.args.map((word) => word.replace(/^\+/, '')).filter(Boolean);
      if (access.length === 0)
        throw refuse('Say which role or permission you need, e.g. `/users request admin --for 2h --reason "INC-4312"`.');
      const timed = timedOptions(input);
      if (!timed) throw refuse('Say for how long with `--for 2h` (or `--until <date>`), and why with `--reason "…"`.');
      const breakGlass = input.flags.has('break-glass');
      if (breakGlass && access.length !== 1) throw refuse('Break-glass takes one role at a time.');
      return { kind: 'request', access, ...timed, breakGlass };
    },
  },
  groups: { usage: '/users groups <who> [+group]... [-group]...', parse: userChanges('groups') },
  group: {
    usage:
      '/users group list | create <name> | rename <old> <new> | delete <name> | add <name> <emails> | remove <name> <emails>',
    parse: byAction('Say `list`, `create`, `rename`, `delete`, `add` or `remove`.', {
      list: (input) => {
        input.noExtra(1);
        return { kind: 'group', action: 'list' };
      },
      create: namedGroup('create'),
      rename: (input) => {
        const [, name, newName] = input.args;
        input.noExtra(3);
        if (!name || !newName) throw refuse('Give the old and the new name (quote names with spaces).');
        return { kind: 'group', action: 'rename', name, newName: groupName(input, newName) };
      },
      delete: namedGroup('delete'),
      add: groupMembers('add'),
      remove: groupMembers('remove'),
    }),
  },
  partner: {
    usage: '/users partner list | add <name> | rename <old> <new> | delete <name> [--reassign <partner>]',
    options: ['reassign'],
    parse: byAction('Say `list`, `add`, `rename` or `delete`.', {
      list: (input) => {
        input.noExtra(1);
        return { kind: 'partner', action: 'list' };
      },
      add: (input) => {
        input.noExtra(2);
        const message = 'Give the partner’s name, 1 to 60 characters (quote it if it has spaces).';
        return { kind: 'partner', action: 'add', name: input.check(PARTNER_NAME, input.args[1], message) };
      },
      rename: (input) => {
        const [, name, newName] = input.args;
        input.noExtra(3);
        if (!name || !newName) throw refuse('Give the old and the new name (quote names with spaces).');
        const message = 'A partner name is 1 to 60 characters.';
        return { kind: 'partner', action: 'rename', name, newName: input.check(PARTNER_NAME, newName, message) };
      },
      delete: (input) => {
        input.noExtra(2);
        const name = input.args[1];
        if (!name) throw refuse('Give the partner’s name (quote it if it has spaces).');
        return { kind: 'partner', action: 'delete', name, reassign: input.single('reassign') };
      },
    }),
  },
  'scim-token': {
    usage: '/users scim-token [revoke]',
    parse: (input) => {
      input.noExtra(1);
      const message = 'Say nothing to create or replace the token, or `revoke` to end it.';
      const action = input.check(z.literal('revoke').optional(), input.args[0]?.toLowerCase(), message);
      return { kind: 'scim-token', action: action ?? 'create' };
    },
  },
  webhook: {
    usage:
      '/users webhook list | add <url> [--events user.*,approval.*] | remove <url> | test <url> | replay [<url>] --since <time> | resume <url>',
    options: ['events', 'since'],
    parse: byAction('Say `list`, `add`, `remove`, `test`, `replay` or `resume`.', {
      list: (input) => {
        input.noExtra(1);
        return { kind: 'webhook', action: 'list' };
      },
      add: (input) => {
        input.noExtra(2);
        return { kind: 'webhook', action: 'add', url: webhookUrl(input.args[1]), events: eventPatterns(input.single('events')) };
      },
      remove: webhookAt('remove'),
      test: webhookAt('test'),
      resume: webhookAt('resume'),
      replay: (input) => {
        input.noExtra(2);
        const since = input.single('since');
        const message =
          'Say from when with `--since`: a time such as 2026-12-01T09:00Z or 2026-12-01, or a span back such as 2h or 3d.';
        if (!since) throw refuse(message);
        const url = input.args[1];
        return {
          kind: 'webhook',
          action: 'replay',
          ...(url ? { url: webhookUrl(url) } : {}),
          since: input.check(SINCE, since, message),
        };
      },
    }),
  },
  review: {
    usage:
      '/users review [<number>] | start [--role R]... [--perm P]... [--group G]... [--partner P]... [--everyone] [--reviewer owner|approvers|inviter|<who>]... [--due 14d|2026-12-24] [--on-overdue remind|revoke-access] [--name "…"] | status [<number>] | report <number> | close <number> | reassign <number> <from> <to>',
    options: ['role', 'perm', 'group', 'partner', 'reviewer', 'due', 'on-overdue', 'name'],
    flags: ['everyone'],
    parse: (input) => {
      const first = input.args[0];
      if (first === undefined || /^#?\d+$/.test(first)) {
        input.noExtra(1);
        return { kind: 'review', action: 'page', ...(first ? { number: reviewNumber(input, first) } : {}) };
      }
      return byAction('Say `start`, `status`, `report`, `close` or `reassign`, or a review’s number.', {
        start: parseReviewStart,
        status: (input) => {
          input.noExtra(2);
          const raw = input.args[1];
          return { kind: 'review', action: 'status', ...(raw ? { number: reviewNumber(input, raw) } : {}) };
        },
        report: (input) => {
          input.noExtra(2);
          return { kind: 'review', action: 'report', number: reviewNumber(input, input.args[1]) };
        },
        close: (input) => {
          input.noExtra(2);
          return { kind: 'review', action: 'close', number: reviewNumber(input, input.args[1]) };
        },
        reassign: (input) => {
          input.noExtra(4);
          const [, number, from, to] = input.args;
          if (!to) throw refuse('Say the review, whose rows move, and to whom: `/users review reassign 3 ann@x.com bob@x.com`.');
          return {
            kind: 'review',
            action: 'reassign',
            number: reviewNumber(input, number),
            from: input.who(from),
            to: input.who(to),
          };
        },
      })(input);
    },
  },
  disable: { usage: '/users disable <who>', parse: oneUser('disable') },
  enable: { usage: '/users enable <who>', parse: oneUser('enable') },
  revoke: { usage: '/users revoke <who>', parse: oneUser('revoke') },
  delete: {
    usage: '/users delete <who>... | --status S --role R --group G --text T [--reason "…"]',
    options: ['reason', 'status', 'role', 'group', 'text'],
    parse: (input) => {
      const { args } = input;
      const filter = input.filter();
      const reason = input.single('reason') || undefined;
      if (filter) {
        if (args.length > 0) throw refuse('Give users or a filter (`--status`, `--role`, …), not both.');
        return { kind: 'delete', who: [], filter, reason };
      }
      if (args.length === 0) throw refuse('Say which users to delete, or a filter (`--status`, `--role`, …).');
      return { kind: 'delete', who: args.map((arg) => input.who(arg)), reason };
    },
  },
  apikey: { usage: '/users apikey <who>', parse: oneUser('apikey') },
  passcode: {
    usage: '/users passcode grant <who> <1d|7d|30d|90d> | passcode reset <who>',
    parse: byAction('Say `grant` or `reset`.', {
      grant: (input) => {
        const [, who, tenure] = input.args;
        input.noExtra(3);
        const user = input.who(who);
        const tenureDays = tenure ? tenureFromWord(tenure) : undefined;
        if (tenureDays === undefined) throw refuse(`${TENURE_RULE}${tenure ? `; got \`${tenure}\`` : ''}.`);
        return { kind: 'passcode', action: 'grant', who: user, tenureDays };
      },
      reset: (input) => {
        input.noExtra(2);
        return { kind: 'passcode', action: 'reset', who: input.who(input.args[1]) };
      },
    }),
  },
  props: { usage: '/users props <who> [key=value]... [-key]...', parse: parseProps },
  signin: {
    usage: '/users signin <who> google|password',
    parse: (input) => {
      input.noExtra(2);
      const who = input.who(input.args[0]);
      const method = input.check(z.enum(['google', 'password']), input.args[1]?.toLowerCase(), 'Say `google` or `password`.');
      return { kind: 'signin', who, method };
    },
  },
  owner: { usage: '/users owner <who>', parse: oneUser('owner') },
  'first-approver': { usage: '/users first-approver <who>', parse: oneUser('first-approver') },
  seats: { usage: '/users seats', parse: nothingElse('seats') },
  export: { usage: '/users export', parse: nothingElse('export') },
  audit: {
    usage: '/users audit [<who>] [--limit N]',
    options: ['limit'],
    parse: (input) => {
      input.noExtra(1);
      const who = input.args[0] ? input.who(input.args[0]) : undefined;
      return { kind: 'audit', who, limit: input.wholeNumber('limit', 1, 200, 20) };
    },
  },
  approvals: { usage: '/users approvals', parse: nothingElse('approvals') },
  help: {
    usage: '/users help [subcommand]',
    parse: (input) => {
      input.noExtra(1);
      return { kind: 'help', subcommand: input.args[0]?.toLowerCase() };
    },
  },
} satisfies Record<string, SubcommandSpec>;

/** A subcommand's name. */
export type Subcommand = keyof typeof SUBCOMMANDS;

/** Whether a word names a subcommand. */
export function isSubcommand(word: string): word is Subcommand {
  return Object.hasOwn(SUBCOMMANDS, word);
}
