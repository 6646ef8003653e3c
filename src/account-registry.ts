/**
 * Every request is served by one account: a Slack request by the account of its workspace (or
 * Enterprise Grid organization), a web or API request by the account its token, key or identifier
 * names. The registry finds it and keeps each account's services (built over its settings and its
 * Slack token) for a short while, so a request costs no lookup in the common case.
 *
 * Every replica forgets an account at once when it is installed, uninstalled or its settings change
 * (src/store/account-signals.ts); cached entries also expire after `ttlMs`, a safety net. At most
 * `maxAccounts` are kept, the least recently used going first, so a replica serving many workspaces
 * holds a bounded amount of memory; and a workspace not seen for `ttlMs` is let go at the next request
 * for any account, so it costs nothing.
 */

interface Cached<T> {
  value: T;
  until: number;
}

export interface AccountRegistry<Scope> {
  /** The account installed in a workspace (`T…`) or organization (`E…`), or null. */
  forInstallKey(installKey: string): Promise<Scope | null>;
  /** The account with this ID while it is served (installed), or null. */
  forId(accountId: string): Promise<Scope | null>;
  /** Drops what is cached about an account (uninstalled, reinstalled, settings changed). */
  forget(accountId: string): void;
  /** Drops everything cached (signals about changes may have been missed). */
  forgetAll(): void;
  /** How many accounts are kept built now. */
  size(): number;
}

export function createAccountRegistry<Scope>(deps: {
  /** Which account a workspace or organization is installed as, from the store. */
  accountOf: (installKey: string) => Promise<string | null>;
  /** An account's services, built afresh from the store; null when it is not served. */
  load: (accountId: string) => Promise<Scope | null>;
  ttlMs: number;
  /** The most accounts kept at once (the least recently used are dropped first). */
  maxAccounts: number;
  now?: () => number;
}): AccountRegistry<Scope> {
  const now = deps.now ?? Date.now;
  const accounts = new Map<string, Cached<string>>();
  // Promises, so that concurrent requests for an account not yet cached share one load.
  const scopes = new Map<string, Cached<Promise<Scope | null>>>();

  /**
   * Keeps `entry` as the most recently used (a Map iterates in insertion order), dropping the least
   * recently used past `max` and, from the least recently used on, those expired: an entry unused for
   * the TTL has expired (it was loaded before it was last used), so every one of them goes.
   */
  function keep<K, T>(map: Map<K, Cached<T>>, key: K, entry: Cached<T>, max: number): void {
    map.delete(key);
    map.set(key, entry);
    const at = now();
    for (const [oldest, kept] of map) {
      if (map.size <= max && kept.until > at) break;
      map.delete(oldest);
    }
  }

  function cached<K, T>(map: Map<K, Cached<T>>, key: K, load: () => T): T {
    const hit = map.get(key);
    if (hit && hit.until > now()) {
      keep(map, key, hit, deps.maxAccounts);
      return hit.value;
    }
    const value = load();
    keep(map, key, { value, until: now() + deps.ttlMs }, deps.maxAccounts);
    return value;
  }

  async function forId(accountId: string): Promise<Scope | null> {
    const loading = cached(scopes, accountId, () => deps.load(accountId));
    try {
      return await loading;
    } catch (error) {
      // A failed load is not remembered: the next request tries again.
      if (scopes.get(accountId)?.value === loading) scopes.delete(accountId);
      throw error;
    }
  }

  return {
    async forInstallKey(installKey) {
      const hit = accounts.get(installKey);
      let accountId: string | null = null;
      if (hit && hit.until > now()) accountId = hit.value;
      else {
        accountId = await deps.accountOf(installKey);
        // Only a hit is kept: a workspace that installs a moment later is found at once.
        if (accountId) keep(accounts, installKey, { value: accountId, until: now() + deps.ttlMs }, deps.maxAccounts);
      }
      return accountId ? forId(accountId) : null;
    },
    forId,
    forget(accountId) {
      scopes.delete(accountId);
      for (const [key, entry] of accounts) if (entry.value === accountId) accounts.delete(key);
    },
    forgetAll() {
      scopes.clear();
      accounts.clear();
    },
    size: () => scopes.size,
  };
}
