/** Reads a raw e-mail as tests need it: its headers, and each part of a multipart/alternative decoded. */

/** One header's value (folded lines joined), or undefined. */
export function headerOf(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

function decodeQuotedPrintable(body: string): string {
  const bytes = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The decoded body of the part with `contentType` (e.g. `text/html`), or undefined when there is none. */
export function partOf(raw: string, contentType: string): string | undefined {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headerOf(raw, 'Content-Type') ?? '')?.[1];
  const parts = boundary ? raw.split(`--${boundary}`).slice(1, -1) : [raw];
  for (const part of parts) {
    const cut = part.search(/\r?\n\r?\n/);
    const headers = part.slice(0, cut).trim();
    const body = part.slice(cut).replace(/^\r?\n\r?\n/, '');
    if (!(headerOf(headers, 'Content-Type') ?? '').toLowerCase().startsWith(contentType)) continue;
    const encoding = (headerOf(headers, 'Content-Transfer-Encoding') ?? '7bit').toLowerCase();
    if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
    return body;
  }
  return undefined;
}
