/**
 * One subcommand's words as its parser reads them — positional arguments, `--option value`s and
 * bare `--flag`s — with the checks the parsers share. A check that fails throws a `Refusal`, which
 * `parseUsersCommand` answers with the usage line of the subcommand.
 */
import { z } from 'zod';
import type { UserFilter, Who } from '../../domain/directory/directory-service';
import { STATUSES, type Status } from './users-command';

/** Words that do not fit a subcommand's grammar; the message says what is wrong. */
export class Refusal extends Error {}

/** A `Refusal` to throw, saying what is wrong with the words. */
export function refuse(message: string): Refusal {
  return new Refusal(message);
}

/** An e-mail address, trimmed and lower-cased. */
export const EMAIL = z.string().trim().toLowerCase().pipe(z.email());

/** A mention, already unescaped from `<@U123|name>` by the tokenizer. */
const MENTION = /^@([UW][A-Z0-9]{2,})$/;

/** What a subcommand takes besides positional arguments. */
export interface OptionNames {
  /** `--name value` or `--name=value`, repeatable; any other `--name` is refused. */
  options?: readonly string[];
  /** `--name` without a value, anywhere among the words. */
  flags?: readonly string[];
}

/** One subcommand's words, split into arguments, options and flags as its `OptionNames` allow. */
export class CommandInput {
  readonly args: string[] = [];
  readonly options = new Map<string, string[]>();
  readonly flags = new Set<string>();

  constructor(
    private readonly name: string,
    names: OptionNames,
    tokens: string[],
  ) {
    const flags = names.flags ?? [];
    const rest = tokens.filter((token) => {
      const flag = flags.find((f) => token.toLowerCase() === `--${f}`);
      if (flag) this.flags.add(flag);
      return !flag;
    });
    this.splitOptions(rest, names.options ?? []);
  }

  private splitOptions(tokens: string[], known: readonly string[]): void {
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as string;
      if (!token.startsWith('--') || token.length === 2) {
        this.args.push(token);
        continue;
      }
      const eq = token.indexOf('=');
      const name = (eq === -1 ? token.slice(2) : token.slice(2, eq)).toLowerCase();
      if (!known.includes(name)) throw refuse(`\`--${name}\` is not an option of \`/users ${this.name}\`.`);
      const value = eq === -1 ? tokens[++i] : token.slice(eq + 1);
      if (value === undefined || (eq === -1 && value.startsWith('--'))) throw refuse(`\`--${name}\` needs a value.`);
      this.options.set(name, [...(this.options.get(name) ?? []), value.trim()]);
    }
  }

  /** `value` checked by `schema`, or refused with `message`. */
  check<T>(schema: z.ZodType<T>, value: unknown, message: string): T {
    const result = schema.safeParse(value);
    if (!result.success) throw refuse(message);
    return result.data;
  }

  /** `<who>`: an e-mail address or a mention. */
  who(token: string | undefined): Who {
    if (!token) throw refuse('Say which user: an e-mail address or an @mention.');
    const mention = MENTION.exec(token);
    if (mention) return { slackUserId: mention[1] as string };
    return { email: this.check(EMAIL, token, `\`${token}\` is not an e-mail address or an @mention.`) };
  }

  /** The one `<who>` of subcommands that take nothing else. */
  onlyWho(): Who {
    this.noExtra(1);
    return this.who(this.args[0]);
  }

  /** Refuses positional arguments past the first `expected`. */
  noExtra(expected: number): void {
    if (this.args.length > expected) throw refuse(`Unexpected \`${this.args.slice(expected).join(' ')}\`.`);
  }

  /** An option given at most once. */
  single(name: string): string | undefined {
    const values = this.options.get(name);
    if (values && values.length > 1) throw refuse(`Give \`--${name}\` once.`);
    return values?.[0];
  }

  /** An option given at most once, a whole number from `min` to `max`; `fallback` when not given. */
  wholeNumber(name: string, min: number, max: number, fallback: number): number {
    const raw = this.single(name);
    if (raw === undefined) return fallback;
    const message = `\`--${name}\` must be a whole number from ${min} to ${max}; got \`${raw}\`.`;
    return this.check(z.coerce.number().int().min(min).max(max), raw, message);
  }

  /** `+x` and `-x` changes; anything else is refused. */
  plusMinus(args: string[]): { add: string[]; remove: string[] } {
    const add: string[] = [];
    const remove: string[] = [];
    for (const arg of args) {
      if (arg.startsWith('+') && arg.length > 1) add.push(arg.slice(1));
      else if (arg.startsWith('-') && arg.length > 1) remove.push(arg.slice(1));
      else throw refuse(`\`${arg}\` should be \`+name\` to add or \`-name\` to remove.`);
    }
    return { add, remove };
  }

  /** `--status`, any case. */
  status(): Status | undefined {
    const raw = this.single('status');
    const message = `\`--status\` must be one of ${STATUSES.join(', ')}; got \`${raw}\`.`;
    return this.check(z.enum(STATUSES).optional(), raw?.toLowerCase(), message);
  }

  /** `--status`, `--role`, `--group`, `--text`: "everyone matching", as `/users list` filters; undefined when none is given. */
  filter(): UserFilter | undefined {
    const filter: UserFilter = {
      status: this.status(),
      role: this.single('role'),
      group: this.single('group'),
      text: this.single('text'),
    };
    const given = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined && value !== ''));
    return Object.keys(given).length > 0 ? (given as UserFilter) : undefined;
  }
}
