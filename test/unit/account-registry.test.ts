import { describe, expect, it } from 'vitest';
import { createAccountRegistry } from '../../src/account-registry';

function registry(ttlMs = 1000, maxAccounts = 100, maxBuilt = maxAccounts) {
  let now = 0;
  /** The accounts read from the store, and the ones built, in order. */
  const loads: string[] = [];
  const builds: string[] = [];
  const lookups: string[] = [];
  const installed = new Map([['T1', 'a1']]);
  const reg = createAccountRegistry<{ id: string }, { id: string; built: number }>({
    accountOf: async (key) => {
      lookups.push(key);
      return installed.get(key) ?? null;
    },
    read: async (id) => {
      loads.push(id);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return id.startsWith('a') ? { id } : null;
    },
    build: ({ id }) => {
      builds.push(id);
      return { id, built: builds.length };
    },
    ttlMs,
    maxAccounts,
    maxBuilt,
    now: () => now,
  });
  return { reg, loads, builds, lookups, installed, advance: (ms: number) => (now += ms) };
}

describe('the account registry', () => {
  it('loads an account once for concurrent requests and serves it from the cache until the TTL', async () => {
    const { reg, loads, lookups, advance } = registry();
    const [x, y] = await Promise.all([reg.forInstallKey('T1'), reg.forInstallKey('T1')]);
    expect(x).toBe(y);
    expect(loads).toEqual(['a1']);
    expect(x?.built).toBe(1);
    await reg.forInstallKey('T1');
    expect(lookups.length).toBeLessThanOrEqual(2);
    advance(1001);
    const z = await reg.forInstallKey('T1');
    expect(z).not.toBe(x);
    expect(loads).toEqual(['a1', 'a1']);
  });

  it('forgets an account at once (uninstall, settings) and finds a workspace installed a moment ago', async () => {
    const { reg, loads, installed } = registry();
    expect(await reg.forInstallKey('T2')).toBeNull();
    installed.set('T2', 'a2');
    expect((await reg.forInstallKey('T2'))?.id).toBe('a2');
    const before = await reg.forId('a1');
    reg.forget('a1');
    installed.delete('T1');
    expect(await reg.forInstallKey('T1')).toBeNull();
    expect(await reg.forId('a1')).not.toBe(before);
    expect(loads.filter((id) => id === 'a1')).toHaveLength(2);
  });

  it('does not remember a failed load', async () => {
    let fail = true;
    const reg = createAccountRegistry<{ id: string }, { id: string }>({
      accountOf: async () => 'a1',
      read: async (id) => {
        if (fail) throw new Error('store down');
        return { id };
      },
      build: (data) => data,
      ttlMs: 60_000,
      maxAccounts: 10,
      maxBuilt: 10,
    });
    await expect(reg.forId('a1')).rejects.toThrow('store down');
    fail = false;
    expect(await reg.forId('a1')).toEqual({ id: 'a1' });
  });

  it('keeps at most maxAccounts, dropping the least recently used first', async () => {
    const { reg, loads } = registry(60_000, 2);
    const a1 = await reg.forId('a1');
    await reg.forId('a2');
    // a1 is used again, so a2 is now the least recently used, and a3 drops it.
    expect(await reg.forId('a1')).toBe(a1);
    await reg.forId('a3');
    expect(loads).toEqual(['a1', 'a2', 'a3']);
    expect(await reg.forId('a1')).toBe(a1);
    await reg.forId('a2');
    expect(loads).toEqual(['a1', 'a2', 'a3', 'a2']);
    // a3 was then the least recently used: built again.
    await reg.forId('a3');
    expect(loads).toEqual(['a1', 'a2', 'a3', 'a2', 'a3']);
  });

  it('lets go of accounts unused for the TTL at the next request, whatever the size limit', async () => {
    const { reg, advance, loads } = registry(1000, 100);
    await reg.forId('a1');
    await reg.forId('a2');
    advance(600);
    await reg.forId('a3');
    expect(reg.size()).toEqual({ read: 3, built: 3 });
    advance(500);
    // a1 and a2 were last used 1 100 ms ago: gone once another account is asked for; a3 stays.
    await reg.forId('a3');
    expect(reg.size()).toEqual({ read: 1, built: 1 });
    expect(loads).toEqual(['a1', 'a2', 'a3']);
    await reg.forId('a1');
    expect(loads).toEqual(['a1', 'a2', 'a3', 'a1']);
  });

  it('keeps fewer accounts built than read: another is built again from what was read, without the store', async () => {
    const { reg, loads, builds } = registry(60_000, 10, 2);
    const a1 = await reg.forId('a1');
    await reg.forId('a2');
    await reg.forId('a3');
    expect(reg.size()).toEqual({ read: 3, built: 2 });
    const again = await reg.forId('a1');
    expect(again).not.toBe(a1);
    expect(again).toEqual({ id: 'a1', built: 4 });
    expect(loads).toEqual(['a1', 'a2', 'a3']);
    expect(builds).toEqual(['a1', 'a2', 'a3', 'a1']);
    // a1 is built now: served as it is.
    expect(await reg.forId('a1')).toBe(again);
  });

  it('keeps nothing built from a read that was forgotten while it was waited for', async () => {
    const { reg, loads } = registry();
    const first = reg.forId('a1');
    reg.forget('a1');
    expect((await first)?.id).toBe('a1');
    expect(reg.size()).toEqual({ read: 0, built: 0 });
    await reg.forId('a1');
    expect(loads).toEqual(['a1', 'a1']);
  });
});
