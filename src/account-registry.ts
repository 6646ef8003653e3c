/**
 * Every request is served by one account: a Slack request by the account of its workspace (or
 * Enterprise Grid organization), a web or API request by the account its token, key or identifier
 * names. The registry finds it and keeps, for a while, what serving it takes, in two tiers:
 * - what the store says of the account (its row, its installation): `read` once, a few KB each, kept for
 *   up to `maxAccounts` accounts, so a request costs no lookup in the common case;
 * - its services, `build` from that without the store (about 40 KB of closures each), kept for the
 *   `maxBuilt` most recently served accounts; another account's are built again on its request (a
 *   fraction of a millisecond), which keeps the heap small when thousands of workspaces are served at
 *   random (a large heap slowed every request down more than building does).
 *
 * Every replica forgets an account at once when it is installed, uninstalled or its settings change
 * (src/store/account-signals.ts); cached entries also expire after `ttlMs`, a safety net. Each tier
 * drops its least recently used first, and lets go of accounts not seen for `ttlMs` at the next request
 * for any account, so a workspace not seen for a while costs nothing.
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
  /** How many accounts are kept read, and how many of them built. */
  size(): { read: number; built: number };
}

export function createAccountRegistry<Data, Scope>(deps: {
  /** Which account a workspace or organization is installed as, from the store. */
  accountOf: (installKey: string) => Promise<string | null>;
  /** What the store says of an account; null when it is not served. */
  read: (accountId: string) => Promise<Data | null>;
  /** The account's services over what was read (no store access). */
  build: (data: Data) => Scope;
  ttlMs: number;
  /** The most accounts kept read at once (the least recently used are dropped first). */
  maxAccounts: number;
  /** The most accounts kept built at once. */
  maxBuilt: number;
  now?: () => number;
}): AccountRegistry<Scope> {
  const now = deps.now ?? Date.now;
  const accounts = new Map<string, Cached<string>>();
  // Promises, so that concurrent requests for an account not yet read share one read.
  const reads = new Map<string, Cached<Promise<Data | null>>>();
  const built = new Map<string, Cached<Scope>>();

  /**
   * Keeps `entry` as the most recently used (a Map iterates in insertion order), dropping the least
   * recently used past `max` and, from the least recently used on, those expired: an entry unused for
   * the TTL has expired (it was made before it was last used), so every one of them goes.
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

  /** The cached entry for `key` while it has not expired, kept as the most recently used; else undefined. */
  function hit<K, T>(map: Map<K, Cached<T>>, key: K, max: number): Cached<T> | undefined {
    const found = map.get(key);
    if (!found || found.until <= now()) return undefined;
    keep(map, key, found, max);
    return found;
  }

  async function read(accountId: string): Promise<Cached<Data | null>> {
    const cached = hit(reads, accountId, deps.maxAccounts);
    const entry = cached ?? { value: deps.read(accountId), until: now() + deps.ttlMs };
    if (!cached) keep(reads, accountId, entry, deps.maxAccounts);
    try {
      return { value: await entry.value, until: entry.until };
    } catch (error) {
      // A failed read is not remembered: the next request tries again.
      if (reads.get(accountId) === entry) reads.delete(accountId);
      throw error;
    }
  }

  async function forId(accountId: string): Promise<Scope | null> {
    const ready = hit(built, accountId, deps.maxBuilt);
    // Used now, in both tiers: the least recently used account is the first to go from either.
    if (ready && hit(reads, accountId, deps.maxAccounts)) return ready.value;
    const data = await read(accountId);
    if (data.value === null) return null;
    // Built while the read was waited for (or forgotten meanwhile: then this read is still the latest).
    const raced = hit(built, accountId, deps.maxBuilt);
    if (raced) return raced.value;
    const scope = deps.build(data.value);
    // Never outlives what it was built from.
    if (reads.has(accountId)) keep(built, accountId, { value: scope, until: data.until }, deps.maxBuilt);
    return scope;
  }

  return {
    async forInstallKey(installKey) {
      let accountId = hit(accounts, installKey, deps.maxAccounts)?.value ?? null;
      if (!accountId) {
        accountId = await deps.accountOf(installKey);
        // Only a hit is kept: a workspace that installs a moment later is found at once.
        if (accountId) keep(accounts, installKey, { value: accountId, until: now() + deps.ttlMs }, deps.maxAccounts);
      }
      return accountId ? forId(accountId) : null;
    },
    forId,
    forget(accountId) {
      reads.delete(accountId);
      built.delete(accountId);
      for (const [key, entry] of accounts) if (entry.value === accountId) accounts.delete(key);
    },
    forgetAll() {
      reads.clear();
      built.clear();
      accounts.clear();
    },
    size: () => ({ read: reads.size, built: built.size }),
  };
}
