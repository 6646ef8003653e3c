/**
 * Parsers the subcommand table shares — `<who>` alone, no words, `<who> +x -y`, an action word
 * first — and those too long to sit in it (invite, props).
 */
import { z } from 'zod';
import { type CommandInput, refuse } from './command-input';
import { parseInvitees } from './invitees';
import type { OneUserKind, UsersCommand } from './users-command';

/** Reads one subcommand's words; throws a `Refusal` when they do not fit. */
export type Parse = (input: CommandInput) => UsersCommand;

const GROUP_NAME = z.string().trim().min(1).max(60);
const NOTE = z.string().max(1000);
const PRODUCT_LEVEL = /^([a-z][a-z0-9:_-]*)=(.+)$/i;
const PROPERTY_KEY = /^[a-z][a-z0-9_]{0,31}$/i;
const PROPERTY_VALUE = z.string().max(500);

/** `<who>` and nothing else. */
export function oneUser(kind: OneUserKind): Parse {
  return (input) => ({ kind, who: input.onlyWho() });
}

/** No words at all. */
export function nothingElse(kind: 'seats' | 'export' | 'approvals'): Parse {
  return (input) => {
    input.noExtra(0);
    return { kind };
  };
}

/** `<who>` and at least one `+x` / `-x`. */
export function userChanges(kind: 'perms' | 'groups'): Parse {
  return (input) => {
    const changes = input.plusMinus(input.args.slice(1));
    const who = input.who(input.args[0]);
    if (changes.add.length + changes.remove.length === 0) throw refuse('Say what to change, e.g. `+name` or `-name`.');
    return { kind, who, ...changes };
  };
}

/** Subcommands whose first word is an action (`group create …`), each action parsed by its own entry. */
export function byAction(unknownAction: string, actions: Record<string, Parse>): Parse {
  return (input) => {
    const action = input.args[0]?.toLowerCase();
    const parse = action !== undefined && Object.hasOwn(actions, action) ? actions[action] : undefined;
    if (!parse) throw refuse(unknownAction);
    return parse(input);
  };
}

/** A group's name, trimmed. */
export function groupName(input: CommandInput, name: string): string {
  return input.check(GROUP_NAME, name, 'A group name is 1 to 60 characters.');
}

/** `add <name> <emails>` or `remove <name> <emails>`: addresses separated by spaces, commas or lines. */
export function groupMembers(action: 'add' | 'remove'): Parse {
  return (input) => {
    const [, name, ...rest] = input.args;
    if (!name) throw refuse('Give the group’s name (quote it if it has spaces), then the e-mail addresses.');
    const emails = rest
      .join(' ')
      .split(/[\s,;]+/)
      .filter(Boolean);
    if (emails.length === 0) throw refuse(`Give the e-mail addresses to ${action === 'add' ? 'add to' : 'remove from'} ${name}.`);
    if (emails.length > 500) throw refuse('At most 500 addresses at once.');
    return { kind: 'group', action, name: groupName(input, name), emails };
  };
}

/** `create <name>` or `delete <name>`. */
export function namedGroup(action: 'create' | 'delete'): Parse {
  return (input) => {
    const name = input.args[1];
    input.noExtra(2);
    if (!name) throw refuse('Give the group’s name (quote it if it has spaces).');
    return { kind: 'group', action, name: groupName(input, name) };
  };
}

/** `<emails>` with the invite's options; nothing at all opens the invite form. */
export function parseInvite(input: CommandInput): UsersCommand {
  if (input.args.length === 0 && input.options.size === 0) return { kind: 'invite-modal' };
  const { emails, people } = parseInvitees(input.args.join(' '));
  if (emails.length + people.length === 0) throw refuse('Give at least one e-mail address.');
  const products: Record<string, string> = {};
  for (const entry of input.options.get('product') ?? []) {
    const match = PRODUCT_LEVEL.exec(entry);
    if (!match) throw refuse(`\`--product ${entry}\` should look like \`PRODUCT=LEVEL\`.`);
    products[(match[1] as string).toLowerCase()] = (match[2] as string).trim();
  }
  const note = input.check(NOTE.optional(), input.single('note'), '`--note` can be at most 1000 characters.');
  return {
    kind: 'invite',
    emails,
    roles: input.options.get('role') ?? [],
    products,
    groups: input.options.get('group') ?? [],
    perms: input.options.get('perm') ?? [],
    note,
    people: people.length > 0 ? people : undefined,
    partners: input.options.get('partner'),
  };
}

/** `<who>` then `key=value` to set and `-key` to remove. */
export function parseProps(input: CommandInput): UsersCommand {
  const who = input.who(input.args[0]);
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const arg of input.args.slice(1)) {
    const eq = arg.indexOf('=');
    const key = eq === -1 ? arg.replace(/^-/, '') : arg.slice(0, eq);
    if (!PROPERTY_KEY.test(key)) {
      throw refuse(`\`${key}\` is not a property key: use a letter then letters, digits or _ (up to 32).`);
    }
    if (eq !== -1) {
      const message = `The value of \`${key}\` can be at most 500 characters.`;
      set[key.toLowerCase()] = input.check(PROPERTY_VALUE, arg.slice(eq + 1), message);
    } else if (arg.startsWith('-')) remove.push(key.toLowerCase());
    else throw refuse(`\`${arg}\` should be \`key=value\` to set or \`-key\` to remove.`);
  }
  if (Object.keys(set).length + remove.length === 0) throw refuse('Say what to set (`key=value`) or remove (`-key`).');
  return { kind: 'props', who, set, remove };
}
