/**
 * The audit trail's per-account sequence (migration 20261206150000): every writer's events are
 * numbered 1, 2, 3… per account in commit order, a rolled-back event leaves no gap, existing events are
 * numbered by the migration, and on PostgreSQL a poller paging by cursor while writers commit in
 * parallel sees every event exactly once, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditFeed } from '../../src/domain/audit/audit-feed';
import { insertAuditEvents, type NewAuditEvent } from '../../src/store/audit/audit-events';
import { type Database, openDatabase } from '../../src/store/database';
import { closeChange } from '../../src/store/users/change-close-writes';
import { freshDatabaseUrl, type TargetName, type TestDatabaseUrl, testTargets } from '../support/test-database';

const MIGRATION = '20261206150000_audit_sequence';

function event(accountId: string, action: string): NewAuditEvent {
  return {
    accountId,
    at: new Date('2026-12-01T10:00:00Z'),
    actorUserId: null,
    actorEmail: 'system',
    actorSlackId: null,
    action,
    targetUserId: null,
    targetEmail: null,
    targetName: null,
    source: 'system',
    clientAddress: null,
  };
}

describe.each(testTargets())('the audit trail’s per-account sequence (%s store)', (target: TargetName) => {
  let url: TestDatabaseUrl;
  let db: Database;
  const numbered = async (accountId: string) =>
    (
      await db.prisma.auditEvent.findMany({
        where: { accountId },
        orderBy: { seq: 'asc' },
        select: { action: true, accountSeq: true },
      })
    ).map((e) => `${e.accountSeq}:${e.action}`);
  const counter = async (accountId: string) =>
    (await db.prisma.account.findUniqueOrThrow({ where: { id: accountId }, select: { auditSeq: true } })).auditSeq;

  beforeAll(async () => {
    url = await freshDatabaseUrl(target);
    db = await openDatabase({ databaseUrl: url.url, dataDir: '/tmp', migrate: false });
  });
  afterAll(async () => {
    await db?.close();
    await url?.drop();
  });

  it('numbers each account’s events from 1 in insertion order, whichever writer inserts them', async () => {
    const a = await db.prisma.account.create({ data: { name: 'a' } });
    const b = await db.prisma.account.create({ data: { name: 'b' } });
    await insertAuditEvents(db.prisma, [event(a.id, 'x.one'), event(a.id, 'x.two'), event(a.id, 'x.three')]);
    await insertAuditEvents(db.prisma, [event(b.id, 'y.one')]);
    // The change layer's close writes its events inside one statement of its own.
    await db.prisma.$transaction((tx) =>
      closeChange(tx, {
        accountId: a.id,
        touched: [],
        events: [event(a.id, 'x.four'), event(a.id, 'x.five')],
        adminRole: 'admin',
        now: new Date(),
      }),
    );
    expect(await numbered(a.id)).toEqual(['1:x.one', '2:x.two', '3:x.three', '4:x.four', '5:x.five']);
    expect(await numbered(b.id)).toEqual(['1:y.one']);
    expect(await counter(a.id)).toBe(5n);
    expect(await counter(b.id)).toBe(1n);
  });

  it('leaves no gap for an event whose transaction rolled back', async () => {
    const a = await db.prisma.account.create({ data: { name: 'rolled back' } });
    await insertAuditEvents(db.prisma, [event(a.id, 'x.kept')]);
    await expect(
      db.prisma.$transaction(async (tx) => {
        await insertAuditEvents(tx, [event(a.id, 'x.undone')]);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    await insertAuditEvents(db.prisma, [event(a.id, 'x.next')]);
    expect(await numbered(a.id)).toEqual(['1:x.kept', '2:x.next']);
  });

  it('the migration numbers the events already written, per account in insertion order, and writers go on from there', async () => {
    const scratch = await freshDatabaseUrl(target);
    const old = await openDatabase({ databaseUrl: scratch.url, dataDir: '/tmp', migrate: false });
    try {
      const [a, b] = [
        await old.prisma.account.create({ data: { name: 'a' } }),
        await old.prisma.account.create({ data: { name: 'b' } }),
      ];
      // The store as it was before the migration, with events written then.
      for (const statement of [
        'DROP TRIGGER "AuditEvent_account_sequence" ON "AuditEvent"',
        'DROP FUNCTION "roster_audit_sequence"()',
        'ALTER TABLE "AuditEvent" DROP COLUMN "accountSeq"',
        'ALTER TABLE "Account" DROP COLUMN "auditSeq"',
        `DELETE FROM "_prisma_migrations" WHERE "migration_name" = '${MIGRATION}'`,
      ])
        await old.prisma.$executeRawUnsafe(statement);
      for (const [accountId, action] of [
        [a.id, 'x.1'],
        [b.id, 'y.1'],
        [a.id, 'x.2'],
        [a.id, 'x.3'],
        [b.id, 'y.2'],
      ] as const) {
        await old.prisma.$executeRaw`INSERT INTO "AuditEvent" ("id", "accountId", "action", "source")
          VALUES (gen_random_uuid()::text, ${accountId}, ${action}, 'system')`;
      }
      expect(await old.migrate()).toEqual([MIGRATION]);
      const rows = await old.prisma.auditEvent.findMany({ orderBy: { seq: 'asc' }, select: { action: true, accountSeq: true } });
      expect(rows.map((e) => `${e.accountSeq}:${e.action}`)).toEqual(['1:x.1', '1:y.1', '2:x.2', '3:x.3', '2:y.2']);
      await insertAuditEvents(old.prisma, [event(a.id, 'x.4')]);
      const last = await old.prisma.auditEvent.findFirstOrThrow({ where: { action: 'x.4' } });
      expect(last.accountSeq).toBe(4n);
    } finally {
      await old.close();
      await scratch.drop();
    }
  });

  it.runIf(target === 'postgres')(
    'a poller paging by cursor while writers commit in parallel sees every committed event once, in order',
    async () => {
      const account = await db.prisma.account.create({ data: { name: 'busy' } });
      const feed = createAuditFeed({ db: db.prisma, accountId: account.id });
      const reader = { permissions: ['audit:view'] };
      const committed = new Set<string>();
      let writing = true;
      const writer = async (w: number) => {
        for (let n = 0; n < 20; n += 1) {
          const actions = [`w${w}.n${n}.a`, `w${w}.n${n}.b`];
          const rollBack = n % 7 === 3;
          await db.prisma
            .$transaction(async (tx) => {
              await insertAuditEvents(
                tx,
                actions.map((action) => event(account.id, action)),
              );
              // Hold the transaction open a little, so commits would interleave with the poller's reads.
              await new Promise((resolve) => setTimeout(resolve, Math.random() * 4));
              if (rollBack) throw new Error('rolled back');
            })
            .then(
              () => {
                for (const action of actions) committed.add(action);
              },
              () => undefined,
            );
        }
      };
      const seen: { seq: number; action: string }[] = [];
      const poller = async () => {
        let after = 0n;
        for (;;) {
          const done = !writing;
          const page = await feed.page(reader, { after, filter: {} }, 7);
          seen.push(...page.events.map((e) => ({ seq: e.seq, action: e.action })));
          after = page.next;
          if (done && page.events.length === 0) return;
        }
      };
      const polling = poller();
      await Promise.all(Array.from({ length: 6 }, (_, w) => writer(w)));
      writing = false;
      await polling;
      expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
      expect(new Set(seen.map((e) => e.action)).size).toBe(seen.length);
      expect(new Set(seen.map((e) => e.action))).toEqual(committed);
      expect(committed.size).toBeGreaterThan(150);
    },
  );
});
