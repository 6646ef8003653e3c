/**
 * Services over a real, migrated store without Slack: for service-tier tests. Delivery is
 * recorded instead of sent (it is a port; its Slack and e-mail adapters have their own tests).
 */
import { type Actor, systemActor } from '../../src/domain/access/actor';
import { effectivePermissions } from '../../src/domain/access/effective-permissions';
import { bootstrapAccount } from '../../src/domain/account/bootstrap';
import { createAuditService } from '../../src/domain/audit/audit-service';
import type { Delivery, OutgoingLink } from '../../src/domain/delivery/delivery';
import { createDirectoryService } from '../../src/domain/directory/directory-service';
import { createInviteLinks } from '../../src/domain/invites/invite-links';
import { createInviteService } from '../../src/domain/invites/invite-service';
import { loadCatalog } from '../../src/domain/roles/catalog';
import { type Database, openDatabase } from '../../src/store/database';
import { type TestClock, testClock } from './test-clock';
import { freshDatabaseUrl, type TargetName } from './test-database';

export interface DomainHarness {
  db: Database;
  /** The store's URL, so a test can open a second connection (another replica). */
  url: string;
  accountId: string;
  clock: TestClock;
  sent: OutgoingLink[];
  owner: Actor;
  services(options?: { seatLimit?: number }): {
    directory: ReturnType<typeof createDirectoryService>;
    invites: ReturnType<typeof createInviteService>;
  };
  close(): Promise<void>;
}

export async function startDomainHarness(target: TargetName): Promise<DomainHarness> {
  const database = await freshDatabaseUrl(target);
  const db = await openDatabase({ databaseUrl: database.url, dataDir: '/tmp' });
  const clock = testClock();
  const { catalog } = loadCatalog();
  const { accountId } = await bootstrapAccount({
    prisma: db.prisma,
    catalog,
    ownerEmail: 'owner@example.com',
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
  return {
    db,
    url: database.url,
    accountId,
    clock,
    sent,
    owner,
    services(options = {}) {
      const audit = createAuditService({ db: db.prisma, accountId, clock });
      const seatLimit = options.seatLimit ?? 25;
      const directory = createDirectoryService({ prisma: db.prisma, accountId, clock, seatLimit });
      const invites = createInviteService({
        prisma: db.prisma,
        accountId,
        clock,
        audit,
        directory,
        delivery,
        links: createInviteLinks({ secret: 'x'.repeat(32), publicUrl: 'http://roster.test' }),
        seatLimit,
        inviteTtlHours: 48,
      });
      return { directory, invites };
    },
    async close() {
      await db.close();
      await database.drop();
    },
  };
}

export { systemActor };
