/**
 * Impostors of the embedded store's owner, served from the test process, for tests of what Roster
 * trusts. Each counts the connections it got and the bytes it was sent: a refusal must leave both
 * at nothing.
 */
import { createHash } from 'node:crypto';
import { chown, mkdtemp } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Impostor {
  connections: number;
  received: number;
  close(): Promise<void>;
}

/** What a lying owner answers a backup request with: 117.7 MB announced, nothing sent. */
const CLAIMED_BACKUP = `${JSON.stringify({ ok: true, bytes: 123_456_789, sha256: '0'.repeat(64) })}\n`;

function listen(server: Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => resolve());
  });
}

function impostor(): { track(socket: Socket): void; servers: Server[]; impostor: Impostor } {
  const servers: Server[] = [];
  const self: Impostor = {
    connections: 0,
    received: 0,
    close: () => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined),
  };
  return {
    servers,
    impostor: self,
    track(socket) {
      self.connections++;
      socket.on('data', (chunk: Buffer) => {
        self.received += chunk.length;
      });
      socket.on('error', () => socket.destroy());
    },
  };
}

/** A wire server that takes what it is sent and hangs up; a control server that claims a backup. */
function fakeServers(t: ReturnType<typeof impostor>): { wire: Server; control: Server } {
  const wire = createServer((socket) => {
    t.track(socket);
    socket.on('data', () => socket.destroy());
  });
  const control = createServer((socket) => {
    t.track(socket);
    socket.once('data', () => socket.end(CLAIMED_BACKUP));
  });
  t.servers.push(wire, control);
  return { wire, control };
}

/** The abstract socket name the owner lock had (Linux), derived from nothing but the DATA_DIR path. */
export function oldLockName(dataDir: string): string {
  return `\0roster-store-${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 32)}`;
}

/**
 * Another user binding the old lock name of `dataDir` first, answering as an owner did (pid, command,
 * socket directory), with its own wire and control sockets in `socketDir` (a directory of its own
 * unless given).
 */
export async function squatOldLock(dataDir: string, socketDir?: string): Promise<Impostor> {
  const t = impostor();
  const dir = socketDir ?? (await mkdtemp(path.join(tmpdir(), 'roster-impostor-')));
  const reply = `${JSON.stringify({ pid: 4242, command: 'impostor', since: new Date().toISOString(), socketDir: dir })}\n`;
  const lock = createServer((socket) => {
    t.track(socket);
    socket.end(reply);
  });
  t.servers.push(lock);
  await listen(lock, oldLockName(dataDir));
  if (!socketDir) {
    const { wire, control } = fakeServers(t);
    await listen(wire, path.join(dir, '.s.PGSQL.5432'));
    await listen(control, path.join(dir, '.s.roster.ctl'));
  }
  return t.impostor;
}

/**
 * Listening sockets under the names an owner uses inside `dataDir` (its lock, wire and control
 * sockets), belonging to `uid` when given (as if another user had made them).
 */
export async function plantSockets(dataDir: string, options: { uid?: number } = {}): Promise<Impostor> {
  const t = impostor();
  const lock = createServer((socket) => t.track(socket));
  t.servers.push(lock);
  const { wire, control } = fakeServers(t);
  const planted: [Server, string][] = [
    [lock, '.s.lock.1'],
    [wire, '.s.PGSQL.5432'],
    [control, '.s.roster.ctl'],
  ];
  for (const [server, name] of planted) {
    const file = path.join(dataDir, name);
    await listen(server, file);
    if (options.uid !== undefined) await chown(file, options.uid, options.uid);
  }
  return t.impostor;
}
