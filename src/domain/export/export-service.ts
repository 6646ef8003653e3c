/**
 * The directory as CSV (one row per user; RFC 4180 through csv-stringify), streamed in keyset
 * batches to a file so that memory stays flat however large the directory is.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { fail } from '../../errors';
import type { PrismaClient } from '../../store/generated/client';
import { type Actor, can } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import type { Clock } from '../clock';
import { passcodeStatus, rolesByPrecedence } from '../directory/user-view';

export const EXPORT_COLUMNS = [
  'name',
  'email',
  'roles',
  'groups',
  'status',
  'last_login',
  'passcode_status',
  'created_at',
] as const;
const BATCH = 1000;

export type ExportService = ReturnType<typeof createExportService>;

export function createExportService(deps: { prisma: PrismaClient; accountId: string; clock: Clock; audit: AuditService }) {
  const { prisma, accountId, clock } = deps;

  async function* rows(): AsyncGenerator<Record<(typeof EXPORT_COLUMNS)[number], string>> {
    const now = clock.now();
    let after: string | undefined;
    for (;;) {
      const users = await prisma.user.findMany({
        where: { accountId, ...(after ? { id: { gt: after } } : {}) },
        orderBy: { id: 'asc' },
        take: BATCH,
        include: {
          roles: { include: { role: true } },
          groups: { include: { group: { select: { name: true } } } },
          passcode: { select: { status: true, expiresAt: true, tenureDays: true } },
        },
      });
      for (const user of users) {
        const passcode = passcodeStatus(user.passcode, now);
        yield {
          name: user.name ?? '',
          email: user.email,
          roles: rolesByPrecedence(user)
            .map((r) => (r.scope ? `${r.key}=${r.scope}` : r.key))
            .join(';'),
          groups: ['All Users', ...user.groups.map((g) => g.group.name).sort()].join(';'),
          status: user.status,
          last_login: user.lastLoginAt?.toISOString() ?? '',
          passcode_status: passcode.state === 'none' ? 'none' : `${passcode.state} ${passcode.expiresAt.toISOString()}`,
          created_at: user.createdAt.toISOString(),
        };
      }
      if (users.length < BATCH) return;
      after = users.at(-1)?.id;
    }
  }

  return {
    /** Writes the CSV to `file`; returns the number of users. Needs `users:view` or `users:export`. */
    async writeCsv(actor: Actor, file: string): Promise<number> {
      if (!can(actor, 'users:view') && !can(actor, 'users:export')) {
        throw fail.forbidden('You need the `users:view` or `users:export` permission to export. Ask an Admin.');
      }
      let count = 0;
      const counted = async function* () {
        for await (const row of rows()) {
          count++;
          yield row;
        }
      };
      await pipeline(
        Readable.from(counted()),
        stringify({ header: true, columns: [...EXPORT_COLUMNS] }),
        createWriteStream(file, { mode: 0o600 }),
      );
      await deps.audit.record(prisma, actor, { action: 'directory.exported', after: { users: count } });
      return count;
    },
  };
}
