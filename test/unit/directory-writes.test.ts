/**
 * Every write to the directory goes through the change layer (docs/architecture.md, "The life of a
 * change"): outside `src/domain/changes/` and `src/store/`, no code writes a directory table, by a
 * Prisma delegate or by SQL. What is not there yet is listed below with the reason, and the list may
 * only shrink: an entry that no longer matches fails too, so that it is removed once its writes move.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

/** Where directory writes belong. */
const CHANGE_LAYER = ['src/domain/changes/', 'src/store/'];

/** The directory's Prisma models and their tables. */
const MODELS: Record<string, string> = {
  user: 'User',
  userRole: 'UserRole',
  groupMembership: 'GroupMembership',
  group: 'Group',
  invite: 'Invite',
  passwordLink: 'PasswordLink',
  apiKey: 'ApiKey',
  passcode: 'Passcode',
  userProperty: 'UserProperty',
  role: 'Role',
  permission: 'Permission',
  account: 'Account',
  scimToken: 'ScimToken',
};

const WRITE_METHODS = [
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
];

/** `tx.user.updateMany(`, also across lines (`tx.user\n  .updateMany(`). */
const DELEGATE_WRITE = new RegExp(
  String.raw`\.\s*(${Object.keys(MODELS).join('|')})\s*\.\s*(${WRITE_METHODS.join('|')})\s*\(`,
  'g',
);

/** `UPDATE "Invite"`, `INSERT INTO "User"`, `DELETE FROM "Passcode"` in raw SQL ($executeRaw, $queryRaw … RETURNING). */
const SQL_WRITE = new RegExp(String.raw`\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"(${Object.values(MODELS).join('|')})"`, 'g');

/** What is allowed, by file: each write (`model.method` or `SQL UPDATE "Table"`) with how often it occurs. */
interface Allowed {
  writes: Record<string, number>;
  why: string;
}

const ALLOWED: Record<string, Allowed> = {
  'src/scheduler/due-work.ts': {
    writes: { 'user.updateMany': 1, 'SQL UPDATE "Invite"': 2, 'SQL UPDATE "Passcode"': 1 },
    why: 'not yet moved (issue 21): the scheduler counts reminders and expires invites and passcodes in set-based batches (FOR UPDATE SKIP LOCKED)',
  },
  'src/domain/account/bootstrap.ts': {
    writes: { 'account.create': 1, 'user.create': 1, 'account.update': 1 },
    why: 'bootstrap: creates the account and its owner, before there is a directory for a change to apply to',
  },
  'src/domain/account/provision-workspace.ts': {
    writes: { 'account.create': 1, 'account.update': 2, 'user.create': 1 },
    why: 'provisioning: a workspace installing the app gets its account and owner, before there is a directory',
  },
  'src/domain/account/apply-catalog.ts': {
    writes: { 'role.upsert': 1, 'permission.upsert': 1, 'group.create': 1 },
    why: 'the catalog written by bootstrap and provisioning, and by the settings change inside its transaction',
  },
  'src/tenancy.ts': {
    writes: { 'account.updateMany': 3 },
    why: 'start-up binds the one account to its Slack workspace (team id, name, slug): installation, not the directory',
  },
  'src/domain/access/access-service.ts': {
    writes: { 'user.updateMany': 1 },
    why: 'not yet moved (issue 21): remembers the Slack user ID of an active user at their first request',
  },
  'src/domain/account/ownership-service.ts': {
    writes: { 'user.update': 1 },
    why: 'not yet moved (issue 21): records whether the owner is still in the Slack workspace (slackLeftAt)',
  },
  'src/domain/invites/link-to-resend.ts': {
    writes: { 'invite.updateMany': 1 },
    why: 'not yet moved (issue 21): renews an invite link after the link secret changed (invite changes and the reminders)',
  },
  'src/domain/credentials/password-links.ts': {
    writes: { 'passwordLink.deleteMany': 2, 'passwordLink.create': 1 },
    why: 'not yet moved (issue 21): write helpers that only change handlers call, inside their transaction',
  },
  'src/domain/credentials/usage-stamps.ts': {
    writes: { 'apiKey.update': 1, 'passcode.update': 1, 'user.update': 1 },
    why: 'usage stamps of a sign-in (lastUsedAt, lastLoginAt), not changes to the directory: no version, no audit',
  },
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The directory writes in one source text, counted by kind. */
function directoryWrites(source: string): Record<string, number> {
  const found: Record<string, number> = {};
  const add = (write: string) => {
    found[write] = (found[write] ?? 0) + 1;
  };
  for (const match of source.matchAll(DELEGATE_WRITE)) add(`${match[1]}.${match[2]}`);
  for (const match of source.matchAll(SQL_WRITE)) add(`SQL ${match[1]?.replace(/\s+/g, ' ')} "${match[2]}"`);
  return found;
}

/** Every file of `src/` outside the change layer that writes a directory table, with its writes. */
function writersOutsideChangeLayer(): Record<string, Record<string, number>> {
  const writers: Record<string, Record<string, number>> = {};
  for (const path of sourceFiles(join(ROOT, 'src'))) {
    const file = relative(ROOT, path).split('\\').join('/');
    if (CHANGE_LAYER.some((folder) => file.startsWith(folder))) continue;
    const writes = directoryWrites(readFileSync(path, 'utf8'));
    if (Object.keys(writes).length > 0) writers[file] = writes;
  }
  return writers;
}

describe('directory writes', () => {
  it('the scan sees writes by delegate, across lines, and by SQL', () => {
    expect(
      directoryWrites(
        'await tx.user.updateMany({});\nawait tx.passwordLink\n  .create({});\nawait tx.$executeRaw`DELETE FROM "Invite" WHERE 1`;',
      ),
    ).toEqual({ 'user.updateMany': 1, 'passwordLink.create': 1, 'SQL DELETE FROM "Invite"': 1 });
    expect(
      directoryWrites('tx.user.findMany({}); tx.$queryRaw`SELECT id FROM "User" FOR UPDATE`; tx.auditEvent.create({})'),
    ).toEqual({});
    // The change layer itself is full of them.
    const inChanges = sourceFiles(join(ROOT, 'src/domain/changes')).map((path) => directoryWrites(readFileSync(path, 'utf8')));
    expect(inChanges.filter((writes) => Object.keys(writes).length > 0).length).toBeGreaterThan(5);
  });

  it('happen only in the change layer, except where listed', () => {
    const unexpected: string[] = [];
    for (const [file, writes] of Object.entries(writersOutsideChangeLayer())) {
      for (const [write, count] of Object.entries(writes)) {
        const allowed = ALLOWED[file]?.writes[write] ?? 0;
        if (count > allowed) unexpected.push(`${file}: ${write} ×${count} (allowed ${allowed})`);
      }
    }
    // A directory write belongs in a change kind's handler (src/domain/changes/), submitted through changes.submit.
    expect(unexpected).toEqual([]);
  });

  it('lists nothing that is no longer there', () => {
    const writers = writersOutsideChangeLayer();
    const stale: string[] = [];
    for (const [file, { writes }] of Object.entries(ALLOWED)) {
      for (const [write, count] of Object.entries(writes)) {
        const found = writers[file]?.[write] ?? 0;
        if (found < count) stale.push(`${file}: ${write} ×${count} listed, ${found} found`);
      }
    }
    // Lower or remove the entry: the list only shrinks.
    expect(stale).toEqual([]);
  });
});
