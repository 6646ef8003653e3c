import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/store/database';
import { reachOwner } from '../../src/store/embedded/embedded-store';
import { migratedDataDir, seedDataDir } from '../support/test-database';
import { type Impostor, oldLockName, plantSockets, squatOldLock } from './store-impostor';

const run = promisify(execFile);
/** Another local user (`nobody`); these tests run as root, which may act as it. */
const OTHER_UID = 65534;
const linux = process.platform === 'linux';

function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'roster-trust-'));
}

/** Everything a socket says to a process that connects and says nothing (within a second). */
function replyOf(address: string): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const socket = createConnection(address);
    socket.setEncoding('utf8');
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', () => resolve(text));
    socket.on('close', () => resolve(text));
  });
}

/** Runs `script` as another user; resolves with what it prints. */
async function asOtherUser(script: string, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['-e', script, ...args], { uid: OTHER_UID, gid: OTHER_UID, cwd: '/' });
  return stdout.trim();
}

const opened: Database[] = [];
const impostors: Impostor[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close()));
  await Promise.all(impostors.splice(0).map((i) => i.close()));
});

async function open(dataDir: string, share?: 'reach'): Promise<Database> {
  const database = await openDatabase({ dataDir, share });
  opened.push(database);
  return database;
}

describe('DATA_DIR is this user’s alone', () => {
  it('is 0700 once the store has started in it, even when it was 0755: another user can neither list, bind nor connect there', async () => {
    const parent = await tempDir();
    await chmod(parent, 0o755);
    const dataDir = path.join(parent, 'data');
    await mkdir(dataDir);
    await seedDataDir(dataDir);
    await chmod(dataDir, 0o755);
    await open(dataDir);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    const tries = `
      const net = require('node:net'), fs = require('node:fs'), dir = process.argv[1];
      const out = [];
      try { fs.readdirSync(dir); out.push('listed'); } catch (e) { out.push(e.code); }
      const server = net.createServer().on('error', (e) => { out.push(e.code); connect(); });
      server.listen(dir + '/.s.lock.99', () => { out.push('bound'); server.close(); connect(); });
      function connect() {
        net.createConnection(dir + '/.s.PGSQL.5432').on('connect', () => { out.push('connected'); done(); })
          .on('error', (e) => { out.push(e.code); done(); });
      }
      function done() { console.log(out.join(' ')); process.exit(0); }`;
    expect(await asOtherUser(tries, [dataDir])).toBe('EACCES EACCES EACCES');
  });

  it('refuses a DATA_DIR other users may write to, saying how to fix it, and creates nothing in it', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    await mkdir(dataDir);
    await chmod(dataDir, 0o777);
    await expect(open(dataDir)).rejects.toThrow(`DATA_DIR ${dataDir} is writable by other users (mode 0777)`);
    await expect(open(dataDir)).rejects.toThrow(`chmod 700 ${dataDir}`);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('refuses a DATA_DIR that belongs to another user', async () => {
    const dataDir = await tempDir();
    await chown(dataDir, OTHER_UID, OTHER_UID);
    await expect(open(dataDir)).rejects.toThrow(
      `DATA_DIR ${dataDir} belongs to uid ${OTHER_UID}, not to the user running Roster`,
    );
  });

  it('gives a clear error for a DATA_DIR too long for the sockets inside it', async () => {
    const dataDir = path.join(await tempDir(), 'd'.repeat(100));
    await expect(open(dataDir)).rejects.toThrow(/^DATA_DIR .* is too long for the sockets Roster keeps in it/);
  });
});

describe('the owner lock', () => {
  it.runIf(linux)(
    'an impostor holding the old lock name (derived from the DATA_DIR path) no longer stops Roster, and is never asked',
    async () => {
      const dataDir = await migratedDataDir();
      const squatter = await squatOldLock(dataDir);
      impostors.push(squatter);
      const database = await open(dataDir);
      await database.prisma.account.create({ data: { name: 'started' } });
      expect(database.embedded?.owned).toBe(true);
      expect(squatter.connections).toBe(0);
    },
  );

  it('tells a process that connects to it nothing: no pid, command line or socket directory', async () => {
    const dataDir = await migratedDataDir();
    await open(dataDir);
    const addresses = (await readdir(dataDir)).filter((name) => name.startsWith('.s.') && name !== '.s.PGSQL.5432');
    const replies = await Promise.all(
      [...addresses.map((name) => path.join(dataDir, name)), ...(linux ? [oldLockName(dataDir)] : [])]
        .filter((address) => !address.endsWith('.s.roster.ctl'))
        .map(replyOf),
    );
    expect(replies.join('')).toBe('');
    // Another process of this user still learns who holds the store (from a file only this user can read).
    await expect(openDatabase({ dataDir })).rejects.toThrow(`is in use by process ${process.pid}`);
  });
});

describe('what a CLI connects to: only this user’s sockets inside DATA_DIR', () => {
  it('refuses a wire socket of another user, naming it and saying what to do', async () => {
    const dataDir = await migratedDataDir();
    await open(dataDir);
    await chown(path.join(dataDir, '.s.PGSQL.5432'), OTHER_UID, OTHER_UID);
    await expect(open(dataDir, 'reach')).rejects.toThrow(
      `${path.join(dataDir, '.s.PGSQL.5432')} belongs to uid ${OTHER_UID}, not to you (uid ${process.getuid?.()})`,
    );
  });

  it('refuses sockets another user planted in DATA_DIR (and an old-name lock pointing at them), sending them nothing', async () => {
    const dataDir = await tempDir();
    const planted = await plantSockets(dataDir, { uid: OTHER_UID });
    impostors.push(planted);
    if (linux) impostors.push(await squatOldLock(dataDir, dataDir));
    await expect(open(dataDir, 'reach')).rejects.toThrow(`belongs to uid ${OTHER_UID}, not to you`);
    await expect(open(dataDir)).rejects.toThrow(`belongs to uid ${OTHER_UID}, not to you`);
    expect(planted.received).toBe(0);
  });
});

describe('a backup', () => {
  it('is complete and opens, written under a fresh name: a file planted at the old temporary name is not followed', async () => {
    const dataDir = await migratedDataDir();
    const database = await open(dataDir);
    await database.prisma.account.create({ data: { name: 'backed up' } });
    const target = await tempDir();
    const file = path.join(target, 'roster.tar.gz');
    const victim = path.join(target, 'victim');
    await writeFile(victim, 'not yours');
    await symlink(victim, `${file}.partial`);

    const bytes = await database.embedded?.backup(file);
    expect(bytes).toBe((await stat(file)).size);
    expect(await readFile(victim, 'utf8')).toBe('not yours');
    expect((await readdir(target)).sort()).toEqual(['roster.tar.gz', 'roster.tar.gz.partial', 'victim']);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const copy = await openDatabase({ databaseUrl: `memory://?from=${encodeURIComponent(file)}`, dataDir });
    opened.push(copy);
    expect(await copy.prisma.account.findMany({ select: { name: true } })).toEqual([{ name: 'backed up' }]);
  });

  it('through an owner that announces a backup and sends nothing: fails and leaves no file', async () => {
    const dataDir = await tempDir();
    impostors.push(await plantSockets(dataDir));
    if (linux) impostors.push(await squatOldLock(dataDir, dataDir));
    const store = await reachOwner(dataDir);
    const target = await tempDir();
    const file = path.join(target, 'roster.tar.gz');
    await expect(store?.backup(file)).rejects.toThrow('The backup is incomplete');
    expect(await readdir(target)).toEqual([]);
  });
});
