/**
 * Where a webhook may be delivered: an `https://` URL whose host is a public address. Loopback,
 * private, link-local (cloud metadata services live there), carrier-grade NAT, multicast and reserved
 * addresses are refused, for an address in the URL when the endpoint is added and for every address
 * its name resolves to when a delivery connects (a name may be made to point anywhere later).
 * `WEBHOOK_ALLOW_PRIVATE` lifts both checks, and allows `http://`, for development and tests.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { fail } from '../../errors';

/** The longest URL an endpoint may have. */
export const MAX_WEBHOOK_URL = 2000;

/** Whether a resolved address is one Roster may deliver to: a public unicast address. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // `::ffff:127.0.0.1` is 127.0.0.1: judged as the IPv4 address it carries.
  const parsed = ipaddr.process(address);
  if (parsed.range() !== 'unicast') return false;
  // IPv6: global unicast (2000::/3) only, so that forms such as the deprecated `::127.0.0.1` never pass.
  return parsed.kind() === 'ipv4' || (parsed as ipaddr.IPv6).match(GLOBAL_UNICAST);
}

const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3') as [ipaddr.IPv6, number];

/** The URL's host as an address, when it is one (`[::1]` → `::1`), else null. */
function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : null;
}

/**
 * The endpoint's URL, normalised, or a refusal naming what is wrong with it. The name of a host is
 * not resolved here: a delivery checks what it resolves to when it connects.
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw fail.badInput(`\`${raw}\` is not a URL; give one such as https://siem.example.com/roster.`, { field: 'url' });
  }
  const schemes = allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    throw fail.badInput(`Webhook URLs must start with https:// (${url.protocol}// is not allowed).`, { field: 'url' });
  }
  if (url.username || url.password) {
    throw fail.badInput('Put no user name or password in the URL: deliveries are signed instead.', { field: 'url' });
  }
  if (url.hash) throw fail.badInput('A webhook URL has no #fragment.', { field: 'url' });
  const href = url.toString();
  if (href.length > MAX_WEBHOOK_URL)
    throw fail.badInput(`A webhook URL is at most ${MAX_WEBHOOK_URL} characters.`, { field: 'url' });
  // `localhost.` is `localhost`.
  const host = url.hostname.replace(/\.$/, '');
  const literal = literalAddress(host);
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || (literal && !isPublicAddress(literal)))) {
    throw fail.badInput(
      `${url.hostname} is a loopback, private or link-local address; webhooks go to public HTTPS endpoints only.`,
      { field: 'url' },
    );
  }
  return href;
}
