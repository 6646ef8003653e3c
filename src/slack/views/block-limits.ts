/**
 * Block Kit's limits, and the ways Roster's views stay within them: lists are cut with
 * "…and N more", long lists split over several sections, long selects grouped. Slack refuses a
 * whole message or view that breaks one limit, often after the change it reports has committed.
 */
import { Bits, type OptionBuilder, type OptionGroupBuilder } from 'slack-block-builder';

export const LIMITS = {
  /** A section's text, a context element's text. */
  sectionText: 3000,
  /** One of a section's fields. */
  fieldText: 2000,
  /** A modal's private_metadata. */
  privateMetadata: 3000,
  /** Options in a select, option groups in a select, options in a group. */
  selectOptions: 100,
  /** An option's text and an option group's label. */
  optionText: 75,
  /** Blocks in a message (a modal or App Home takes 100). */
  messageBlocks: 50,
} as const;

const more = (count: number) => `…and ${count} more`;

/** Drops a partial `&amp;`-style entity a hard cut may leave at the end of escaped text. */
function cleanCut(text: string): string {
  return text.replace(/&[a-z]{0,4}$/, '');
}

/** Joins `items` with `separator` within `max` characters, ending with "…and N more" when some do not fit. */
export function fitList(items: string[], max: number, separator = '\n'): string {
  const all = items.join(separator);
  if (all.length <= max) return all;
  const kept: string[] = [];
  let length = 0;
  for (const [index, item] of items.entries()) {
    const next = length + (kept.length > 0 ? separator.length : 0) + item.length;
    const tail = separator.length + more(items.length - index - 1).length;
    if (next + tail > max) break;
    kept.push(item);
    length = next;
  }
  if (kept.length === 0) {
    const tail = ` ${more(items.length - 1)}`;
    return `${cleanCut((items[0] ?? '').slice(0, Math.max(0, max - tail.length - 1)))}…${items.length > 1 ? tail : ''}`;
  }
  return [...kept, more(items.length - kept.length)].join(separator);
}

/**
 * Free text (e.g. an approval summary) within `max` characters. Whole lines are kept while they fit;
 * the first that does not is cut between its comma-separated items, keeping a short closing clause
 * after its last "; " (e.g. what happens to assets). Says how many lines or items were left out.
 */
export function fitText(text: string, max: number): string {
  if (text.length <= max) return text;
  const lines = text.split('\n');
  // A source that already ends with "…and K more" has K more items than its lines show.
  const already = /^…and (\d+) more$/.exec(lines.at(-1) ?? '');
  if (already) lines.pop();
  const extra = Number(already?.[1] ?? 0);
  const kept: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const left = lines.length - index - 1 + extra;
    const reserve = left > 0 ? 24 : 0;
    const start = length + (kept.length > 0 ? 1 : 0);
    if (start + line.length + reserve <= max) {
      kept.push(line);
      length = start + line.length;
      continue;
    }
    const room = max - start - reserve;
    if (room >= 200 || kept.length === 0) {
      kept.push(fitLine(line, room));
      if (left > 0) kept.push(more(left));
    } else {
      kept.push(more(left + 1));
    }
    return kept.join('\n');
  }
  return [...kept, ...(extra > 0 ? [more(extra)] : [])].join('\n');
}

/** One line within `max`: cut between comma-separated items, keeping a short closing "; " clause. */
function fitLine(line: string, max: number): string {
  if (line.length <= max) return line;
  const clauseAt = line.lastIndexOf('; ');
  const clause = clauseAt > 0 && line.length - clauseAt <= Math.min(400, max / 3) ? line.slice(clauseAt) : '';
  const body = line.slice(0, line.length - clause.length);
  return `${fitList(body.split(', '), max - clause.length, ', ')}${clause}`;
}

/** Lines spread over as many texts of at most `max` characters as needed, at most `most` of them; the last says what is left out. */
export function chunkLines(lines: string[], max: number, most: number): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const next = length + (current.length > 0 ? 1 : 0) + line.length;
    if (next > max && current.length > 0) {
      if (chunks.length === most - 1) {
        chunks.push(fitList([...current, ...lines.slice(index)], max));
        return chunks;
      }
      chunks.push(current.join('\n'));
      current = [];
      length = 0;
    }
    current.push(line.length > max ? fitList([line], max) : line);
    length += (current.length > 1 ? 1 : 0) + (current.at(-1) ?? '').length;
  }
  if (current.length > 0) chunks.push(current.join('\n'));
  return chunks;
}

/**
 * Gives a select its choices: plain up to 100, else in option groups of up to 100 (each labelled
 * by its first and last entry), so that every choice stays reachable (up to 10 000).
 */
export function withOptions<T extends { options(...o: OptionBuilder[]): T; optionGroups(...g: OptionGroupBuilder[]): T }>(
  select: T,
  choices: { text: string; value: string }[],
): T {
  const option = (choice: { text: string; value: string }) =>
    Bits.Option({ text: choice.text.slice(0, LIMITS.optionText), value: choice.value });
  if (choices.length <= LIMITS.selectOptions) return select.options(...choices.map(option));
  const groups: OptionGroupBuilder[] = [];
  for (let start = 0; start < choices.length && groups.length < LIMITS.selectOptions; start += LIMITS.selectOptions) {
    const slice = choices.slice(start, start + LIMITS.selectOptions);
    const label = `${(slice[0]?.text ?? '').slice(0, 35)} – ${(slice.at(-1)?.text ?? '').slice(0, 35)}`;
    groups.push(Bits.OptionGroup({ label }).options(...slice.map(option)));
  }
  return select.optionGroups(...groups);
}
