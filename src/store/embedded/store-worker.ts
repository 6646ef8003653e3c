/**
 * The embedded store's own thread: opens PGlite under the data directory's owner lock and serves it
 * over the PostgreSQL wire protocol (and a small control socket for backups), so that no query runs
 * on the thread that answers Slack.
 */
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { acquireOwnerLock, findOwner, type OwnerLock } from './owner-lock';
import type { StoreWorkerData, WorkerReply, WorkerRequest } from './store-protocol';
import { serveWire, type WireServer } from './wire-server';

/**
 * PGlite's defaults, with 16 MB of shared buffers instead of 128 MB: the operating system caches
 * the files anyway, and WebAssembly memory, once grown, is never given back (measured: 100 000
 * users, a fresh process idle at 589 MiB with the default, 465 MiB with this).
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

const data = workerData as StoreWorkerData;
const port = parentPort;
if (!port) throw new Error('store-worker runs as a worker thread');

let lock: OwnerLock | undefined;
let db: PGlite | undefined;
let wire: WireServer | undefined;
let control: Server | undefined;

function reply(message: WorkerReply): void {
  port?.postMessage(message);
}

/** Writes a consistent copy of the data directory (a gzipped tar) to `file`. */
async function backup(file: string): Promise<number> {
  if (!db || !wire) throw new Error('the store is not open');
  const store = db;
  const blob = await wire.exclusive(async () => {
    await store.exec('CHECKPOINT');
    return store.dumpDataDir('gzip');
  });
  const bytes = Buffer.from(await blob.arrayBuffer());
  const partial = `${file}.partial`;
  await writeFile(partial, bytes, { mode: 0o600 });
  await rename(partial, file);
  return bytes.length;
}

function serveControl(socketPath: string): Promise<Server> {
  const server = createServer((socket) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', async (chunk: string) => {
      text += chunk;
      if (!text.includes('\n')) return;
      try {
        const request = JSON.parse(text) as { op: string; file?: string };
        if (request.op !== 'backup' || !request.file) throw new Error(`unknown control request ${request.op}`);
        socket.end(`${JSON.stringify({ ok: true, bytes: await backup(request.file) })}\n`);
      } catch (error) {
        socket.end(`${JSON.stringify({ ok: false, error: (error as Error).message })}\n`);
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve(server));
  });
}

/** The backup the store starts from, if it was given one. */
async function restoredData(): Promise<Blob | undefined> {
  return data.restoreFrom ? new Blob([await readFile(data.restoreFrom)]) : undefined;
}

async function open(): Promise<void> {
  if (data.dataDir) {
    lock = await acquireOwnerLock(data.dataDir, {
      pid: process.pid,
      command: data.command,
      since: new Date().toISOString(),
      socketDir: data.socketDir,
    });
    if (!lock) {
      reply({ type: 'in-use', owner: await findOwner(data.dataDir) });
      return;
    }
    const dir = path.join(data.dataDir, 'pglite');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    db = await PGlite.create({ dataDir: dir, loadDataDir: await restoredData(), startParams: START_PARAMS });
  } else {
    db = await PGlite.create({ loadDataDir: await restoredData(), startParams: START_PARAMS });
  }
  wire = await serveWire(db, path.join(data.privateDir, '.s.PGSQL.5432'));
  reply({ type: 'ready' });
}

/** Opens the store to other processes (once it is migrated): the wire and control sockets in the data directory. */
async function publish(): Promise<void> {
  if (!wire) throw new Error('the store is not open');
  // We hold the lock: socket files here were left by an owner that died.
  const wirePath = path.join(data.socketDir, '.s.PGSQL.5432');
  const controlPath = path.join(data.socketDir, '.s.roster.ctl');
  await unlink(wirePath).catch(() => undefined);
  await unlink(controlPath).catch(() => undefined);
  control = await serveControl(controlPath);
  await wire.listen(wirePath);
  reply({ type: 'published' });
}

async function close(): Promise<void> {
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
    backup(request.file).then(
      (bytes) => reply({ type: 'backed-up', bytes }),
      (error: Error) => reply({ type: 'failed', message: error.message }),
    );
  }
});

open().catch((error: Error) => reply({ type: 'failed', message: error.message }));
