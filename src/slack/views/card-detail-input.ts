/** Reading what an admin typed into the card's detail modals and the group members modal. */
import { fail } from '../../errors';

/** As `/users props` takes them: a letter, then letters, digits or _ (up to 32). */
const PROPERTY_KEY = /^[a-z][a-z0-9_]{0,31}$/i;
const MAX_VALUE = 500;

/** `key=value` lines (blank ones skipped) as the `props` change's `set`; a bad line is refused on the `props` field, naming it. */
export function parsePropertyLines(text: string | undefined): Record<string, string> {
  const set: Record<string, string> = {};
  for (const [index, raw] of (text ?? '').split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    const where = `Line ${index + 1}`;
    if (eq === -1) throw fail.badInput(`${where} (\`${line.slice(0, 40)}\`) should be \`key=value\`.`, { field: 'props' });
    const key = line.slice(0, eq).trim();
    if (!PROPERTY_KEY.test(key))
      throw fail.badInput(
        `${where}: \`${key.slice(0, 40)}\` is not a property key: use a letter then letters, digits or _ (up to 32).`,
        {
          field: 'props',
        },
      );
    const value = line.slice(eq + 1).trim();
    if (value.length > MAX_VALUE)
      throw fail.badInput(`${where}: the value of \`${key}\` can be at most ${MAX_VALUE} characters.`, { field: 'props' });
    set[key.toLowerCase()] = value;
  }
  return set;
}

/** Addresses or permission keys separated by spaces, commas, semicolons or lines, as `/users group add` takes them. */
export function splitWords(text: string | undefined): string[] {
  return (text ?? '').split(/[\s,;]+/).filter(Boolean);
}
