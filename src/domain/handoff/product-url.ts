/**
 * PRODUCT_URL, where the invite and password pages send a user once they are in: checked at start-up,
 * and the address the browser is sent to with the one-time code appended to its own query.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/** https anywhere, or http on this machine only (a code sent over plain http elsewhere could be read on the way). */
export function isProductUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && (LOOPBACK_HOSTS.has(url.hostname) || /^127(\.\d{1,3}){3}$/.test(url.hostname));
}

/** PRODUCT_URL with `code` added to whatever query it already has (a `code` of its own is replaced). */
export function productRedirect(productUrl: string, code: string): string {
  const url = new URL(productUrl);
  url.searchParams.set('code', code);
  return url.toString();
}
