/** Account-change signals between replicas: heard by every listener, and a dropped listener starts afresh. */
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenForAccountChanges } from '../../src/store/account-signals';
import { type Database, openDatabase } from '../../src/store/database';
import { freshDatabaseUrl, type TestDatabaseUrl } from '../support/test-database';

describe.skipIf(!process.env.TEST_POSTGRES_URL)('account signals (postgres store)', () => {
  let url: TestDatabaseUrl;
  let db: Database;
  beforeAll(async () => {
    url = await freshDatabaseUrl('postgres');
    db = await openDatabase({ databaseUrl: url.url, dataDir: '/tmp/unused', migrate: false });
  });
  afterAll(async () => {
    await db?.close();
    await url?.drop();
  });

  function listener() {
    const heard: string[] = [];
    let lost = 0;
    const signals = listenForAccountChanges({
      databaseUrl: url.url,
      logger: pino({ level: 'silent' }),
      changed: (id) => heard.push(id),
      lost: () => {
        lost++;
      },
    });
    return { signals, heard, lost: () => lost };
  }

  it('reaches every replica, the sender included', async () => {
    const [one, two] = [listener(), listener()];
    const [a, b] = await Promise.all([one.signals, two.signals]);
    await a.announce(db.prisma, 'acc-1');
    await expect.poll(() => two.heard).toContain('acc-1');
    expect(one.heard).toContain('acc-1');
    await Promise.all([a.close(), b.close()]);
  });

  it('a listener whose connection drops forgets everything, listens again and hears what follows', async () => {
    const one = listener();
    const signals = await one.signals;
    const admin = new pg.Client({ connectionString: url.url });
    await admin.connect();
    try {
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
      );
      await expect.poll(() => one.lost()).toBeGreaterThanOrEqual(1);
      // Once it listens again it forgets once more (whatever was cached in the gap), then hears signals.
      await expect.poll(() => one.lost(), { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
      await admin.query("SELECT pg_notify('roster_account_changed', 'acc-2')");
      await expect.poll(() => one.heard).toContain('acc-2');
    } finally {
      await admin.end();
      await signals.close();
    }
  });
});
