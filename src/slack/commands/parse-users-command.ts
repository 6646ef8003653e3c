/**
 * Parses `/users …` text into a typed command, validating every value with zod at the edge.
 * A malformed command is refused with the usage line of the subcommand that was meant.
 */
import { z } from 'zod';
import { TENURE_RULE, tenureFromWord } from '../../domain/credentials/credential-service';
import type { UserFilter, Who } from '../../domain/directory/directory-service';
import { fail } from '../../errors';
import { tokenize } from './tokenize';
import { isSubcommand, type Subcommand, USAGE } from './usage';

const STATUSES = ['invited', 'expired', 'active', 'disabled', 'revoked'] as const;
export const PROPERTY_KEY = /^[a-z][a-z0-9_]{0,31}$/i;

export type UsersCommand =
  | { kind: 'home' }
  | { kind: 'help'; subcommand?: string }
  | { kind: 'list'; text?: string; status?: (typeof STATUSES)[number]; role?: string; group?: string; page: number }
  | { kind: 'show' | 'resend' | 'invite-link' | 'disable' | 'enable' | 'revoke' | 'apikey' | 'owner'; who: Who }
  | { kind: 'password-link'; who: Who; endPassword: boolean }
  | { kind: 'invite-modal' }
  | {
      kind: 'invite';
      emails: string[];
      roles: string[];
      products: Record<string, string>;
      groups: string[];
      perms: string[];
      note?: string;
      /** Addresses given their own access (`ann@x.com:editor`) or groups. */
      people?: InvitePerson[];
      /** Partners the scoped role covers (`--partner`). */
      partners?: string[];
    }
  | { kind: 'edit'; who: Who; name?: string; email?: string }
  | { kind: 'roles'; who: Who; add: string[]; remove: string[] }
  | { kind: 'bulk-roles'; filter?: UserFilter; add?: string[]; remove?: string[] }
  | { kind: 'perms' | 'groups'; who: Who; add: string[]; remove: string[] }
  | { kind: 'group'; action: 'list' }
  | { kind: 'group'; action: 'create' | 'delete'; name: string }
  | { kind: 'group'; action: 'rename'; name: string; newName: string }
  | { kind: 'partner'; action: 'list' }
  | { kind: 'partner'; action: 'add'; name: string }
  | { kind: 'scim-token'; action: 'create' | 'revoke' }
  | { kind: 'delete'; who: Who[]; reason?: string; filter?: UserFilter }
  | { kind: 'passcode'; action: 'grant'; who: Who; tenureDays: number }
  | { kind: 'passcode'; action: 'reset'; who: Who }
  | { kind: 'props'; who: Who; set: Record<string, string>; remove: string[] }
  | { kind: 'signin'; who: Who; method: 'google' | 'password' }
  | { kind: 'seats' | 'export' | 'approvals' }
  | { kind: 'audit'; who?: Who; limit: number };

/** One address of an invite with its own access (`editor`, `partner=acme`, `crm=editor`) or groups. */
export interface InvitePerson {
  email: string;
  access?: string[];
  groups?: string[];
}

/**
 * The addresses of an invite as typed: `ann@x.com` takes the invite's role and groups,
 * `ann@x.com:editor` or `ann@x.com:normal+partner=acme` its own access. On a line, text after `|` is
 * a comma-separated list of groups for every address of that line (the invite modal's rows).
 */
export function parseInvitees(text: string): { emails: string[]; people: InvitePerson[] } {
  const emails: string[] = [];
  const people: InvitePerson[] = [];
  for (const line of text.split(/\r?\n/)) {
    const bar = line.indexOf('|');
    const addresses = bar === -1 ? line : line.slice(0, bar);
    const groups =
      bar === -1
        ? undefined
        : line
            .slice(bar + 1)
            .split(',')
            .map((g) => g.trim())
            .filter(Boolean);
    for (const token of addresses.split(/[\s,;]+/).filter(Boolean)) {
      const colon = token.indexOf(':');
      const email = (colon === -1 ? token : token.slice(0, colon)).trim().toLowerCase();
      const access =
        colon === -1
          ? []
          : token
              .slice(colon + 1)
              .split('+')
              .map((a) => a.trim())
              .filter(Boolean);
      if (access.length === 0 && groups === undefined) emails.push(email);
      else people.push({ email, ...(access.length > 0 ? { access } : {}), ...(groups ? { groups } : {}) });
    }
  }
  return { emails, people };
}

/** The command shape of one kind, also for kinds that share a variant (e.g. `show` and `revoke`). */
export type CommandOf<K extends UsersCommand['kind']> = UsersCommand extends infer C
  ? C extends { kind: infer CK }
    ? K extends CK
      ? Omit<C, 'kind'> & { kind: K }
      : never
    : never
  : never;

interface Parsed {
  args: string[];
  options: Map<string, string[]>;
}

/** Separates `--opt value` / `--opt=value` options (repeatable) from positional arguments. */
function splitOptions(tokens: string[], sub: Subcommand, known: readonly string[]): Parsed {
  const args: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (!token.startsWith('--') || token.length === 2) {
      args.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = (eq === -1 ? token.slice(2) : token.slice(2, eq)).toLowerCase();
    if (!known.includes(name)) throw usageError(sub, `\`--${name}\` is not an option of \`/users ${sub}\`.`);
    let value: string | undefined = eq === -1 ? tokens[++i] : token.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw usageError(sub, `\`--${name}\` needs a value.`);
    value = value.trim();
    options.set(name, [...(options.get(name) ?? []), value]);
  }
  return { args, options };
}

function usageError(sub: Subcommand, message: string) {
  return fail.badInput(message, { hint: `Usage: \`${USAGE[sub]}\`` });
}

const emailSchema = z.email();

/** `<who>`: an e-mail address or a mention (already unescaped to `@U123`). */
function parseWho(sub: Subcommand, token: string | undefined): Who {
  if (!token) throw usageError(sub, 'Say which user: an e-mail address or an @mention.');
  const mention = /^@([UW][A-Z0-9]{2,})$/.exec(token);
  if (mention) return { slackUserId: mention[1] as string };
  const email = token.trim().toLowerCase();
  if (!emailSchema.safeParse(email).success) throw usageError(sub, `\`${token}\` is not an e-mail address or an @mention.`);
  return { email };
}

function single(sub: Subcommand, parsed: Parsed, name: string): string | undefined {
  const values = parsed.options.get(name);
  if (values && values.length > 1) throw usageError(sub, `Give \`--${name}\` once.`);
  return values?.[0];
}

function noExtra(sub: Subcommand, args: string[], expected: number): void {
  if (args.length > expected) throw usageError(sub, `Unexpected \`${args.slice(expected).join(' ')}\`.`);
}

function intOption(sub: Subcommand, parsed: Parsed, name: string, min: number, max: number, fallback: number): number {
  const raw = single(sub, parsed, name);
  if (raw === undefined) return fallback;
  const result = z.coerce.number().int().min(min).max(max).safeParse(raw);
  if (!result.success) throw usageError(sub, `\`--${name}\` must be a whole number from ${min} to ${max}; got \`${raw}\`.`);
  return result.data;
}

/** `+x` and `-x` changes; anything else is refused. */
function plusMinus(sub: Subcommand, args: string[]): { add: string[]; remove: string[] } {
  const add: string[] = [];
  const remove: string[] = [];
  for (const arg of args) {
    if (arg.startsWith('+') && arg.length > 1) add.push(arg.slice(1));
    else if (arg.startsWith('-') && arg.length > 1) remove.push(arg.slice(1));
    else throw usageError(sub, `\`${arg}\` should be \`+name\` to add or \`-name\` to remove.`);
  }
  return { add, remove };
}

function status(sub: Subcommand, parsed: Parsed): (typeof STATUSES)[number] | undefined {
  const raw = single(sub, parsed, 'status');
  const result = z.enum(STATUSES).optional().safeParse(raw?.toLowerCase());
  if (!result.success) throw usageError(sub, `\`--status\` must be one of ${STATUSES.join(', ')}; got \`${raw}\`.`);
  return result.data;
}

/** `--status`, `--role`, `--group`, `--text`: "everyone matching", as `/users list` filters; undefined when none is given. */
function filterOptions(sub: Subcommand, parsed: Parsed): UserFilter | undefined {
  const filter: UserFilter = {
    status: status(sub, parsed),
    role: single(sub, parsed, 'role'),
    group: single(sub, parsed, 'group'),
    text: single(sub, parsed, 'text'),
  };
  const given = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined && value !== ''));
  return Object.keys(given).length > 0 ? (given as UserFilter) : undefined;
}

const SIMPLE_WHO = ['show', 'resend', 'invite-link', 'disable', 'enable', 'revoke', 'apikey', 'owner'] as const;

/** Flags without a value, per subcommand. */
const FLAGS: Partial<Record<Subcommand, readonly string[]>> = { 'password-link': ['end-password'] };

/** Parses the text after `/users`. */
export function parseUsersCommand(text: string): UsersCommand {
  const tokens = tokenize(text);
  const [first, ...rest] = tokens;
  if (first === undefined) return { kind: 'home' };
  const sub = first.toLowerCase();
  if (!isSubcommand(sub)) {
    throw fail.badInput(`Unknown command \`${first}\`.`, { hint: 'Type `/users help` to see what Roster can do.' });
  }
  const known = OPTIONS[sub] ?? [];
  const flags = new Set<string>();
  const parsed = splitOptions(
    rest.filter((token) => {
      const flag = (FLAGS[sub] ?? []).find((f) => token.toLowerCase() === `--${f}`);
      if (flag) flags.add(flag);
      return !flag;
    }),
    sub,
    known,
  );
  const { args } = parsed;

  if ((SIMPLE_WHO as readonly string[]).includes(sub)) {
    noExtra(sub, args, 1);
    return { kind: sub as (typeof SIMPLE_WHO)[number], who: parseWho(sub, args[0]) };
  }
  switch (sub) {
    case 'password-link':
      noExtra(sub, args, 1);
      return { kind: 'password-link', who: parseWho(sub, args[0]), endPassword: flags.has('end-password') };
    case 'help':
      noExtra(sub, args, 1);
      return { kind: 'help', subcommand: args[0]?.toLowerCase() };
    case 'list': {
      return {
        kind: 'list',
        text: args.join(' ') || undefined,
        status: status(sub, parsed),
        role: single(sub, parsed, 'role'),
        group: single(sub, parsed, 'group'),
        page: intOption(sub, parsed, 'page', 1, 100_000, 1),
      };
    }
    case 'invite': {
      if (args.length === 0 && parsed.options.size === 0) return { kind: 'invite-modal' };
      const { emails, people } = parseInvitees(args.join(' '));
      if (emails.length + people.length === 0) throw usageError(sub, 'Give at least one e-mail address.');
      const products: Record<string, string> = {};
      for (const entry of parsed.options.get('product') ?? []) {
        const match = /^([a-z][a-z0-9:_-]*)=(.+)$/i.exec(entry);
        if (!match) throw usageError(sub, `\`--product ${entry}\` should look like \`PRODUCT=LEVEL\`.`);
        products[(match[1] as string).toLowerCase()] = (match[2] as string).trim();
      }
      const note = single(sub, parsed, 'note');
      if (note && note.length > 1000) throw usageError(sub, '`--note` can be at most 1000 characters.');
      return {
        kind: 'invite',
        emails,
        roles: parsed.options.get('role') ?? [],
        products,
        groups: parsed.options.get('group') ?? [],
        perms: parsed.options.get('perm') ?? [],
        note,
        people: people.length > 0 ? people : undefined,
        partners: parsed.options.get('partner'),
      };
    }
    case 'edit': {
      noExtra(sub, args, 1);
      const who = parseWho(sub, args[0]);
      const name = single(sub, parsed, 'name');
      const email = single(sub, parsed, 'email');
      if (name !== undefined && (name.length === 0 || name.length > 100))
        throw usageError(sub, '`--name` must be 1 to 100 characters.');
      if (email !== undefined && !emailSchema.safeParse(email.toLowerCase()).success) {
        throw usageError(sub, `\`--email ${email}\` is not a valid e-mail address.`);
      }
      return { kind: 'edit', who, name, email: email?.toLowerCase() };
    }
    case 'roles': {
      const filter = filterOptions(sub, parsed);
      if (filter) {
        if (args[0] && !/^[+-]/.test(args[0]))
          throw usageError(sub, 'Give one user or a filter (`--status`, `--role`, …), not both.');
        return { kind: 'bulk-roles', filter, ...plusMinus(sub, args) };
      }
      if (args.length === 0) return { kind: 'bulk-roles' };
      return { kind: 'roles', who: parseWho(sub, args[0]), ...plusMinus(sub, args.slice(1)) };
    }
    case 'perms':
    case 'groups': {
      const changes = plusMinus(sub, args.slice(1));
      const who = parseWho(sub, args[0]);
      if (changes.add.length + changes.remove.length === 0) throw usageError(sub, 'Say what to change, e.g. `+name` or `-name`.');
      return { kind: sub, who, ...changes };
    }
    case 'group': {
      const action = args[0]?.toLowerCase();
      if (action === 'list') {
        noExtra(sub, args, 1);
        return { kind: 'group', action };
      }
      if (action === 'create' || action === 'delete') {
        noExtra(sub, args, 2);
        if (!args[1]) throw usageError(sub, 'Give the group’s name (quote it if it has spaces).');
        return { kind: 'group', action, name: groupName(sub, args[1]) };
      }
      if (action === 'rename') {
        noExtra(sub, args, 3);
        if (!args[1] || !args[2]) throw usageError(sub, 'Give the old and the new name (quote names with spaces).');
        return { kind: 'group', action, name: args[1], newName: groupName(sub, args[2]) };
      }
      throw usageError(sub, 'Say `list`, `create`, `rename` or `delete`.');
    }
    case 'partner': {
      const action = args[0]?.toLowerCase();
      if (action === 'list') {
        noExtra(sub, args, 1);
        return { kind: 'partner', action };
      }
      if (action === 'add') {
        noExtra(sub, args, 2);
        const name = args[1]?.trim().replace(/\s+/g, ' ');
        if (!name || name.length > 60)
          throw usageError(sub, 'Give the partner’s name, 1 to 60 characters (quote it if it has spaces).');
        return { kind: 'partner', action, name };
      }
      throw usageError(sub, 'Say `list` or `add`.');
    }
    case 'scim-token': {
      noExtra(sub, args, 1);
      const action = args[0]?.toLowerCase();
      if (action === undefined) return { kind: 'scim-token', action: 'create' };
      if (action === 'revoke') return { kind: 'scim-token', action };
      throw usageError(sub, 'Say nothing to create or replace the token, or `revoke` to end it.');
    }
    case 'delete': {
      const filter = filterOptions(sub, parsed);
      const reason = single(sub, parsed, 'reason');
      if (filter) {
        if (args.length > 0) throw usageError(sub, 'Give users or a filter (`--status`, `--role`, …), not both.');
        return { kind: 'delete', who: [], filter, reason: reason || undefined };
      }
      if (args.length === 0) throw usageError(sub, 'Say which users to delete, or a filter (`--status`, `--role`, …).');
      return { kind: 'delete', who: args.map((arg) => parseWho(sub, arg)), reason: reason || undefined };
    }
    case 'passcode': {
      const action = args[0]?.toLowerCase();
      if (action === 'grant') {
        noExtra(sub, args, 3);
        const who = parseWho(sub, args[1]);
        const tenureDays = args[2] ? tenureFromWord(args[2]) : undefined;
        if (tenureDays === undefined) {
          throw usageError(sub, `${TENURE_RULE}${args[2] ? `; got \`${args[2]}\`` : ''}.`);
        }
        return { kind: 'passcode', action, who, tenureDays };
      }
      if (action === 'reset') {
        noExtra(sub, args, 2);
        return { kind: 'passcode', action, who: parseWho(sub, args[1]) };
      }
      throw usageError(sub, 'Say `grant` or `reset`.');
    }
    case 'props': {
      const who = parseWho(sub, args[0]);
      const set: Record<string, string> = {};
      const remove: string[] = [];
      for (const arg of args.slice(1)) {
        const eq = arg.indexOf('=');
        const key = eq === -1 ? arg.replace(/^-/, '') : arg.slice(0, eq);
        if (!PROPERTY_KEY.test(key)) {
          throw usageError(sub, `\`${key}\` is not a property key: use a letter then letters, digits or _ (up to 32).`);
        }
        if (eq !== -1) {
          const value = arg.slice(eq + 1);
          if (value.length > 500) throw usageError(sub, `The value of \`${key}\` can be at most 500 characters.`);
          set[key.toLowerCase()] = value;
        } else if (arg.startsWith('-')) remove.push(key.toLowerCase());
        else throw usageError(sub, `\`${arg}\` should be \`key=value\` to set or \`-key\` to remove.`);
      }
      if (Object.keys(set).length + remove.length === 0)
        throw usageError(sub, 'Say what to set (`key=value`) or remove (`-key`).');
      return { kind: 'props', who, set, remove };
    }
    case 'signin': {
      noExtra(sub, args, 2);
      const who = parseWho(sub, args[0]);
      const method = args[1]?.toLowerCase();
      if (method !== 'google' && method !== 'password') throw usageError(sub, 'Say `google` or `password`.');
      return { kind: 'signin', who, method };
    }
    case 'seats':
    case 'export':
    case 'approvals':
      noExtra(sub, args, 0);
      return { kind: sub };
    case 'audit': {
      noExtra(sub, args, 1);
      return {
        kind: 'audit',
        who: args[0] ? parseWho(sub, args[0]) : undefined,
        limit: intOption(sub, parsed, 'limit', 1, 200, 20),
      };
    }
  }
  throw usageError(sub, 'Unexpected arguments.');
}

function groupName(sub: Subcommand, name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 60) throw usageError(sub, 'A group name is 1 to 60 characters.');
  return trimmed;
}

const OPTIONS: Partial<Record<Subcommand, readonly string[]>> = {
  list: ['status', 'role', 'group', 'page'],
  invite: ['role', 'product', 'group', 'perm', 'note', 'partner'],
  edit: ['name', 'email'],
  delete: ['reason', 'status', 'role', 'group', 'text'],
  roles: ['status', 'role', 'group', 'text'],
  audit: ['limit'],
};
