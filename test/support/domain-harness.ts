/**
 * Services over a real, migrated store without Slack: for service-tier tests. Delivery is
 * recorded instead of sent (it is a port; its Slack and e-mail adapters have their own tests).
 */
import pino from 'pino';
import { createServices, type Services } from '../../src/create-services';
import { type Actor, systemActor } from '../../src/domain/access/actor';
import { effectivePermissions } from '../../src/domain/access/effective-permissions';
import { type SettingsDefaults, settingsDefaults } from '../../src/domain/account/account-settings';
import { bootstrapAccount } from '../../src/domain/account/bootstrap';
import type { SettingsService } from '../../src/domain/account/settings-service';
import { createAuditService } from '../../src/domain/audit/audit-service';
import type { Delivery, HolderMessenger, OutgoingLink, SlackProfiles } from '../../src/domain/ports';
import { loadCatalog, type Policy } from '../../src/domain/roles/catalog';
import { type Database, openDatabase } from '../../src/store/database';
import type { UserStatus } from '../../src/store/records';
import { seedUser } from './seed';
import { type TestClock, testClock } from './test-clock';
import { freshDatabaseUrl, type TargetName } from './test-database';

/** The link secret the harness's services sign invite links with. */
export const LINK_SECRET = 'x'.repeat(32);

export interface DomainHarness {
  db: Database;
  /** The store's URL, so a test can open a second connection (another replica). */
  url: string;
  accountId: string;
  clock: TestClock;
  sent: OutgoingLink[];
  owner: Actor;
  /** Every service, wired by the same `createServices` as main.ts; approvals on when `approvals` names actions. */
  services(options?: {
    seatLimit?: number;
    approvals?: Policy['approvals']['actions'];
    linkSecret?: string;
    profiles?: SlackProfiles;
    settingsDefaults?: Partial<SettingsDefaults>;
    /** Records the accounts whose settings changed. */
    changed?: string[];
    /** Another connection to the store (a second replica); the harness's own by default. */
    prisma?: Database['prisma'];
    /** Who tells holders their secrets (by default nobody can be reached). */
    messenger?: HolderMessenger;
    /** WEBHOOK_ALLOW_PRIVATE (on unless false: tests deliver to loopback). */
    webhooksAllowPrivate?: boolean;
  }): Services;
  /** The account's settings service over the deployment defaults (standard catalog, 25 seats, 48 h invites); `changed` records onChange. */
  settings(options?: {
    defaults?: Partial<SettingsDefaults>;
    changed?: string[];
    approvals?: Policy['approvals']['actions'];
  }): SettingsService;
  close(): Promise<void>;
}

export async function startDomainHarness(target: TargetName): Promise<DomainHarness> {
  const database = await freshDatabaseUrl(target);
  const db = await openDatabase({ databaseUrl: database.url, dataDir: '/tmp' });
  return bootstrapHarness(db, database.url, async () => {
    await db.close();
    await database.drop();
  });
}

/**
 * One store for all the tests of a file, emptied for each: `fresh()` gives what `startDomainHarness`
 * gives (a newly bootstrapped account alone in a migrated store, its own clock), at the cost of
 * emptying the tables (tens of milliseconds) rather than opening a new store (1–3 s embedded).
 * A harness from `fresh()` closes nothing; `close()` closes the store.
 */
export function domainStore(target: TargetName): { fresh(): Promise<DomainHarness>; close(): Promise<void> } {
  let opened: Promise<{ db: Database; url: string; drop(): Promise<void> }> | undefined;
  return {
    async fresh() {
      if (!opened) {
        opened = (async () => {
          const database = await freshDatabaseUrl(target);
          const db = await openDatabase({ databaseUrl: database.url, dataDir: '/tmp' });
          return { db, url: database.url, drop: database.drop };
        })();
      } else {
        await emptyStore((await opened).db);
      }
      const { db, url } = await opened;
      return bootstrapHarness(db, url, async () => undefined);
    },
    async close() {
      if (!opened) return;
      const { db, drop } = await opened;
      await db.close();
      await drop();
    },
  };
}

/** Empties every table but the migrations' record, as a store is after migrating. */
async function emptyStore(db: Database): Promise<void> {
  const tables = await db.prisma.$queryRaw<{ tablename: string }[]>`
    SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`;
  if (tables.length === 0) return;
  await db.prisma.$executeRawUnsafe(
    `TRUNCATE TABLE ${tables.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`,
  );
}

async function bootstrapHarness(db: Database, url: string, close: () => Promise<void>): Promise<DomainHarness> {
  const clock = testClock();
  const { catalog } = loadCatalog();
  const { accountId } = await bootstrapAccount({
    prisma: db.prisma,
    catalogOf: () => catalog,
    ownerEmail: 'owner@example.com',
    ownerMissing: () => new Error('the harness always names an owner'),
    clock,
    audit: (id) => createAuditService({ db: db.prisma, accountId: id, clock }),
  });
  const ownerRow = await db.prisma.user.findFirstOrThrow({ include: { roles: { include: { role: true } } } });
  const owner: Actor = {
    userId: ownerRow.id,
    email: ownerRow.email,
    name: null,
    roleKeys: ownerRow.roles.map((r) => r.role.key),
    permissions: effectivePermissions(
      ownerRow.roles.map((r) => r.role),
      [],
      catalog.policy.multipleRoles,
    ),
    source: 'command',
  };
  const sent: OutgoingLink[] = [];
  const delivery: Delivery = {
    async send(message) {
      sent.push(message);
      return { email: message.email, slack: 'not-in-workspace', mail: 'sent', problems: [] };
    },
  };
  const harness: DomainHarness = {
    db,
    url,
    accountId,
    clock,
    sent,
    owner,
    services(options = {}) {
      const defaults = settingsDefaults({
        seatLimit: 25,
        inviteTtlHours: 48,
        catalog,
        catalogSource: 'config/presets/standard.yaml',
      });
      return createServices(
        {
          catalog: {
            ...catalog,
            policy: { ...catalog.policy, approvals: { ...catalog.policy.approvals, actions: options.approvals ?? {} } },
          },
          seatLimit: options.seatLimit ?? 25,
          inviteTtlHours: 48,
          publicUrl: 'http://roster.test',
          linkSecret: options.linkSecret ?? LINK_SECRET,
          approvalsChannel: options.approvals ? 'C0APPROVALS' : undefined,
          webhooks: { allowPrivate: options.webhooksAllowPrivate ?? true, timeoutMs: 1000, keyMaterials: [LINK_SECRET] },
        },
        {
          prisma: options.prisma ?? db.prisma,
          accountId,
          clock,
          logger: pino({ level: 'silent' }),
          profiles: options.profiles ?? { profileOf: async () => null, inWorkspace: async () => true },
          messenger: options.messenger ?? { send: async () => false },
          delivery,
          settingsDefaults: { ...defaults, ...options.settingsDefaults },
          settingsChanged: (id) => options.changed?.push(id),
        },
      );
    },
    settings(options = {}) {
      return harness.services({ settingsDefaults: options.defaults, changed: options.changed, approvals: options.approvals })
        .settings;
    },
    close,
  };
  return harness;
}

export { systemActor };

/** A change to submit, as the tests write it. */
export type TestChange = Parameters<Services['changes']['submit']>[1];

/**
 * What a change-kind test works with on a fresh account: its services, the store, and short ways to
 * seed a user, act as one, submit a change (as the owner unless told) and read the audit trail.
 */
export function changeKit(h: DomainHarness, options: Parameters<DomainHarness['services']>[0] = {}) {
  const services = h.services(options);
  const { prisma } = h.db;
  return {
    services,
    prisma,
    addUser: async (email: string, roles: string[], status: UserStatus = 'active') =>
      (await seedUser({ prisma, accountId: h.accountId }, { email, roles, status })).id,
    events: (action: string) => prisma.auditEvent.findMany({ where: { action }, orderBy: { seq: 'asc' } }),
    actor: (id: string): Promise<Actor> => services.access.actorForUserId(id, 'command'),
    submit: (change: TestChange, as: Actor = h.owner) => services.changes.submit(as, change),
  };
}
