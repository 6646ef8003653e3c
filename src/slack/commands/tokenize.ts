/**
 * Splits `/users` text into arguments: whitespace-separated, with "…", '…' and the curly
 * “…” ‘…’ quotes Slack clients substitute. Slack's `<@U123|name>` mentions become `@U123`
 * and `<mailto:a@b.c|a@b.c>` links become the plain address.
 */
import { fail } from '../../errors';

const CLOSING: Record<string, string> = { '"': '"', "'": "'", '“': '”', '”': '”', '‘': '’', '’': '’' };

/** Undoes Slack's escaping of mentions, mailto links and HTML entities. */
export function unescapeSlack(text: string): string {
  return text
    .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<mailto:([^|>]+)(?:\|[^>]*)?>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function tokenize(raw: string): string[] {
  const text = unescapeSlack(raw);
  const tokens: string[] = [];
  let current = '';
  let inToken = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    const closing = CLOSING[char];
    const startsQuote = closing !== undefined && (!inToken || /(^[+-]|=)$/.test(current));
    if (startsQuote) {
      const end = text.indexOf(closing, i + 1);
      const altEnd = closing === '”' ? text.indexOf('"', i + 1) : closing === '’' ? text.indexOf("'", i + 1) : -1;
      const stop = end === -1 ? altEnd : altEnd === -1 ? end : Math.min(end, altEnd);
      if (stop === -1) throw fail.badInput(`A quote opened at \`${text.slice(i, i + 20)}\` is never closed.`);
      current += text.slice(i + 1, stop);
      inToken = true;
      i = stop;
    } else if (/\s/.test(char)) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
    } else {
      current += char;
      inToken = true;
    }
  }
  if (inToken) tokens.push(current);
  return tokens;
}
