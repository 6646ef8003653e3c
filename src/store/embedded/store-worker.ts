/**
 * The embedded store's own thread: opens PGlite under the data directory's owner lock and serves it
 * over the PostgreSQL wire protocol (and a small control socket for backups), so that no query runs
 * on the thread that answers Slack.
 */
import { mkdir, readFile, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { sha256 } from './backup-file';
import { CONTROL_SOCKET, WIRE_SOCKET } from './data-dir';
import { acquireOwnerLock, findOwner, type OwnerLock } from './owner-lock';
import { answers, bindSocket, UntrustedStoreError } from './socket-files';
import type { StoreWorkerData, WorkerReply, WorkerRequest } from './store-protocol';
import { serveWire, type WireServer } from './wire-server';

/**
 * PGlite's defaults, with 16 MB of shared buffers instead of 128 MB: the operating system caches
 * the files anyway, and WebAssembly memory, once grown, is never given back (measured: 100 000
 * users, a fresh process idle at 589 MiB with the default, 465 MiB with this). And a plan for each
 * run of a prepared statement, as for an unnamed one: the connections keep their statements parsed
 * (database.ts), but a generic plan, which PostgreSQL would pick after five runs, does not know the
 * values, and read every user for a SCIM create at 100 000 users (94 vs 9 ms).
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', '-c', 'plan_cache_mode=force_custom_plan'];

const data = workerData as StoreWorkerData;
const port = parentPort;
if (!port) throw new Error('store-worker runs as a worker thread');

let lock: OwnerLock | undefined;
let db: PGlite | undefined;
let wire: WireServer | undefined;
let control: Server | undefined;
let published = false;

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

/** A consistent copy of the data directory (a gzipped tar). */
async function backup(): Promise<Uint8Array> {
  if (!db || !wire) throw new Error('the store is not open');
  const store = db;
  const blob = await wire.exclusive(async () => {
    await store.exec('CHECKPOINT');
    return store.dumpDataDir('gzip');
  });
  return new Uint8Array(await blob.arrayBuffer());
}

/** Answers one control request (a line of JSON): a backup, as a header line and its bytes. */
async function answerControl(socket: Socket, line: string): Promise<void> {
  try {
    const request = JSON.parse(line) as { op?: unknown };
    if (request.op !== 'backup') throw new Error(`unknown control request ${String(request.op)}`);
    const bytes = await backup();
    socket.write(`${JSON.stringify({ ok: true, bytes: bytes.length, sha256: sha256(bytes) })}\n`);
    socket.end(bytes);
  } catch (error) {
    socket.end(`${JSON.stringify({ ok: false, error: (error as Error).message })}\n`);
  }
}

function controlServer(): Server {
  return createServer((socket) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    const onData = (chunk: string) => {
      text += chunk;
      const newline = text.indexOf('\n');
      if (newline < 0) {
        if (text.length > 4_096) socket.destroy();
        return;
      }
      socket.off('data', onData);
      void answerControl(socket, text.slice(0, newline));
    };
    socket.on('data', onData);
  });
}

function listen(server: Server, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The backup the store starts from, if it was given one. */
async function restoredData(): Promise<Blob | undefined> {
  return data.restoreFrom ? new Blob([await readFile(data.restoreFrom)]) : undefined;
}

async function open(): Promise<void> {
  if (data.dataDir) {
    const dataDir = data.dataDir;
    lock = await acquireOwnerLock(dataDir, { pid: process.pid, command: data.command, since: new Date().toISOString() });
    if (!lock) {
      reply({ type: 'in-use', owner: (await findOwner(dataDir))?.info });
      return;
    }
    // A Roster from before these locks takes none: while its sockets answer, it still serves this store.
    for (const name of [WIRE_SOCKET, CONTROL_SOCKET]) {
      if (await answers(path.join(dataDir, name))) {
        await lock.release();
        lock = undefined;
        reply({ type: 'in-use', owner: undefined });
        return;
      }
    }
    const dir = path.join(dataDir, 'pglite');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    db = await PGlite.create({ dataDir: dir, loadDataDir: await restoredData(), startParams: START_PARAMS });
  } else {
    db = await PGlite.create({ loadDataDir: await restoredData(), startParams: START_PARAMS });
  }
  wire = await serveWire(db, path.join(data.privateDir, WIRE_SOCKET));
  reply({ type: 'ready' });
}

/** Opens the store to other processes of this user (once it is migrated): the wire and control sockets in the data directory. */
async function publish(): Promise<void> {
  if (!wire || !data.dataDir) throw new Error('the store is not open');
  const server = wire;
  // We hold the lock: sockets under these names were left by an owner that has ended.
  control = controlServer();
  const served = control;
  await bindSocket(path.join(data.dataDir, CONTROL_SOCKET), (temporary) => listen(served, temporary), 'replace');
  await bindSocket(path.join(data.dataDir, WIRE_SOCKET), (temporary) => server.listen(temporary), 'replace');
  published = true;
  reply({ type: 'published' });
}

async function close(): Promise<void> {
  if (published && data.dataDir) {
    // Gone before the lock is: nobody reaches a store that is closing.
    for (const name of [WIRE_SOCKET, CONTROL_SOCKET]) await unlink(path.join(data.dataDir, name)).catch(() => undefined);
  }
  await new Promise<void>((resolve) => (control ? control.close(() => resolve()) : resolve()));
  await wire?.close();
  await db?.close();
  await lock?.release();
  reply({ type: 'closed' });
}

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'publish') {
    publish().catch((error: Error) => reply({ type: 'failed', message: error.message }));
  } else if (request.type === 'close') {
    close().catch((error: Error) => reply({ type: 'failed', message: error.message }));
  } else if (request.type === 'stats') {
    reply(wire ? { type: 'stats', stats: wire.stats(request.reset) } : { type: 'failed', message: 'the store is not open' });
  } else if (request.type === 'backup') {
    backup().then(
      (bytes) => {
        const buffer = bytes.buffer as ArrayBuffer;
        reply({ type: 'backed-up', data: buffer, bytes: bytes.length, sha256: sha256(bytes) }, [buffer]);
      },
      (error: Error) => reply({ type: 'failed', message: error.message }),
    );
  }
});

open().catch(async (error: Error) => {
  await lock?.release().catch(() => undefined);
  reply(
    error instanceof UntrustedStoreError
      ? { type: 'untrusted', message: error.message }
      : { type: 'failed', message: error.message },
  );
});
