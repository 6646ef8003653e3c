/** The addresses of an invite as typed, in the `/users invite` command and the invite modal alike. */
import type { InvitePerson } from './users-command';

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
