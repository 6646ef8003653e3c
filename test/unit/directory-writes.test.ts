/**
 * Every write to the directory goes through the change layer (docs/architecture.md, "The life of a
 * change"). The writes themselves are repository functions in `src/store/`, in files named
 * `*-writes.ts` that hold nothing else; outside `src/store/`, only `src/domain/changes/` imports them.
 * The few writers that are not changes to the directory are listed below with the reason, and the
 * list may only shrink: an entry that no longer matches fails too.
 */
import { describe, expect, it } from 'vitest';
import { sourceTexts } from '../support/source-files';

const CHANGE_LAYER = 'src/domain/changes/';

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
const DELEGATE_WRITE = new RegExp(String.raw`\.\s*(${Object.keys(MODELS).join('|')})\s*\.\s*(${WRITE_METHODS.join('|')})\s*\(`);

/** `UPDATE "Invite"`, `INSERT INTO "User"`, `DELETE FROM "Passcode"` in raw SQL ($executeRaw, $queryRaw … RETURNING). */
const SQL_WRITE = new RegExp(String.raw`\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"(${Object.values(MODELS).join('|')})"`);

/** An import of a store module of directory writes. */
const WRITES_IMPORT = /from\s+['"][^'"]*store\/[^'"]*-writes['"]/;

/** Code outside the change layer that may write the directory, and why it is not a change. */
const NOT_CHANGES: Record<string, string> = {
  'src/domain/account/bootstrap.ts': 'creates the account and its owner, before there is a directory for a change to apply to',
  'src/domain/account/provision-workspace.ts':
    'a workspace installing the app gets its account and owner, before there is a directory',
  'src/domain/account/apply-catalog.ts':
    'the catalog written by bootstrap and provisioning, and by the settings change inside its transaction',
  'src/tenancy.ts':
    'start-up binds the one account to its Slack workspace (team id, name, slug): installation, not the directory',
  'src/domain/access/access-service.ts':
    'remembers the Slack user ID of an active user at their first request: identity bookkeeping, no rule or audit',
  'src/domain/account/ownership-service.ts':
    'records whether the owner is still in the Slack workspace (slackLeftAt): an observation, not a change',
  'src/domain/credentials/usage-stamps.ts':
    'usage stamps of a sign-in (lastUsedAt, lastLoginAt), not changes to the directory: no version, no audit',
};

const writesDirectory = (text: string) => DELEGATE_WRITE.test(text) || SQL_WRITE.test(text);

/** Files outside src/store and the change layer that import directory writes. */
function writersOutsideChangeLayer(): string[] {
  return sourceTexts()
    .filter(({ file }) => !file.startsWith('src/store/') && !file.startsWith(CHANGE_LAYER))
    .filter(({ text }) => WRITES_IMPORT.test(text) || writesDirectory(text))
    .map(({ file }) => file);
}

describe('directory writes', () => {
  it('the scan sees writes by delegate, across lines, by SQL, and imports of write modules', () => {
    expect(writesDirectory('await tx.user.updateMany({});')).toBe(true);
    expect(writesDirectory('await tx.passwordLink\n  .create({});')).toBe(true);
    expect(writesDirectory('await tx.$executeRaw`DELETE FROM "Invite" WHERE 1`;')).toBe(true);
    expect(
      writesDirectory('tx.user.findMany({}); tx.$queryRaw`SELECT id FROM "User" FOR UPDATE`; tx.auditEvent.create({})'),
    ).toBe(false);
    expect(WRITES_IMPORT.test("import { bumpVersions } from '../../store/users/user-writes';")).toBe(true);
    expect(WRITES_IMPORT.test("import { findUser } from '../../store/users/user-reads';")).toBe(false);
    // The change layer itself imports them.
    const inChanges = sourceTexts().filter(({ file, text }) => file.startsWith(CHANGE_LAYER) && WRITES_IMPORT.test(text));
    expect(inChanges.length).toBeGreaterThan(5);
  });

  it('in src/store, are in files named *-writes.ts', () => {
    const misplaced = sourceTexts()
      .filter(({ file }) => file.startsWith('src/store/') && !file.endsWith('-writes.ts'))
      .filter(({ text }) => writesDirectory(text))
      .map(({ file }) => file);
    // Move the write into a *-writes.ts module, so that who may call it can be checked.
    expect(misplaced).toEqual([]);
  });

  it('are made by the change layer, except where listed', () => {
    const unexpected = writersOutsideChangeLayer().filter((file) => !(file in NOT_CHANGES));
    // A directory write belongs in a change kind's handler (src/domain/changes/), submitted through changes.submit.
    expect(unexpected).toEqual([]);
  });

  it('lists nothing that is no longer there', () => {
    const writers = writersOutsideChangeLayer();
    // Remove the entry: the list only shrinks.
    expect(Object.keys(NOT_CHANGES).filter((file) => !writers.includes(file))).toEqual([]);
  });
});
