/**
 * Serves one PGlite instance over PostgreSQL's wire protocol on a Unix socket, so that Roster's
 * main thread and other processes (CLIs) reach the embedded store with the same `pg` driver as
 * PostgreSQL.
 *
 * PGlite is a single backend. Several client connections share it safely only if each client's
 * unit of work runs whole: a simple query, or an extended-protocol run up to its Sync, and, once a
 * transaction is open, every unit of that connection until the transaction ends. This server
 * queues whole units per connection and hands the backend to one connection at a time; the
 * multiplexer of `@electric-sql/pglite-socket` 0.2 queues single messages instead, and under ten
 * concurrent `pg` connections interleaved other clients' Parse/Bind between them ("portal does not
 * exist"), which is why Roster does not use it.
 *
 * A transaction's BEGIN is answered at once and run with the connection's next unit, so the backend is
 * held from the transaction's first statement and one round trip fewer is spent on each transaction.
 *
 * Prepared statements live in the backend, so they would be shared by every connection: each
 * connection's statement names are prefixed with its own number on the way in (Parse, Bind, and
 * Describe and Close of a statement), and its statements are deallocated when it closes. So `pg`'s
 * per-connection statement cache holds here as it does against PostgreSQL.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { createMutex, type Mutex } from './mutex';
import { unitAnswer } from './unit-answer';

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

/** A running wire server. */
export interface WireServer {
  /** Also serves on the Unix socket `socketPath` (one backend, one queue for every socket). */
  listen(socketPath: string): Promise<void>;
  /**
   * Stops accepting connections and waits (up to `graceMs`) for the clients still connected (other
   * processes going through this owner) to finish, then closes the rest, rolling back their work.
   */
  close(graceMs?: number): Promise<void>;
  /** Runs `work` while no client holds the backend (between units, outside transactions). */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** How long single units of work held the backend, since the start or the last reset. */
  stats(reset?: boolean): UnitStats;
}

/** How long single units of work (a statement, or an extended-protocol run to its Sync) held the backend. */
export interface UnitStats {
  units: number;
  longestMs: number;
  over200Ms: number;
  /** The start of the SQL of the longest unit. */
  longestSql: string;
}

/** Starts serving `db` on the Unix socket `socketPath`. */
export async function serveWire(db: PGlite, socketPath: string): Promise<WireServer> {
  const backend = createMutex();
  const stats: UnitStats = { units: 0, longestMs: 0, over200Ms: 0, longestSql: '' };
  const connections = new Set<Socket>();
  const servers: Server[] = [];
  let connectionCount = 0;
  const wire: WireServer = {
    async listen(path) {
      const server = createServer((socket) => {
        connections.add(socket);
        socket.on('close', () => connections.delete(socket));
        handleConnection(db, backend, socket, stats, `c${++connectionCount}_`);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => {
          server.off('error', reject);
          resolve();
        });
      });
      servers.push(server);
    },
    async close(graceMs = 30_000) {
      const stopped = Promise.all(servers.map(closeServer));
      const deadline = Date.now() + graceMs;
      while (connections.size > 0 && Date.now() < deadline) await sleep(50);
      for (const socket of connections) socket.destroy();
      await stopped;
    },
    exclusive: (work) => backend.run(work),
    stats(reset = false) {
      const copy = { ...stats };
      if (reset) Object.assign(stats, { units: 0, longestMs: 0, over200Ms: 0, longestSql: '' });
      return copy;
    },
  };
  await wire.listen(socketPath);
  return wire;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The SQL text a unit carries (a simple Query or the first Parse), for statistics. */
function sqlOf(unit: Buffer): string {
  const type = unit[0];
  // Q: type, length, text. P: type, length, statement name, text.
  let start = 5;
  if (type === 0x50) start = unit.indexOf(0, 5) + 1;
  else if (type !== 0x51) return '';
  const end = unit.indexOf(0, start);
  return unit
    .subarray(start, end < 0 ? undefined : end)
    .toString('utf8')
    .replace(/\s+/g, ' ')
    .slice(0, 160);
}

const QUERY = 0x51;
/** ReadyForQuery's transaction status: idle, and in a transaction. */
const IDLE = 0x49;
const IN_TRANSACTION = 0x54;
/** What PostgreSQL answers a simple-query BEGIN outside a transaction: CommandComplete "BEGIN", ReadyForQuery in a transaction. */
const BEGIN_ANSWER = Buffer.from([0x43, 0, 0, 0, 10, ...Buffer.from('BEGIN\0', 'utf8'), 0x5a, 0, 0, 0, 5, IN_TRANSACTION]);

/** Whether `unit` is one simple query that is exactly BEGIN (as `pg` and Prisma's adapter send it). */
const FLUSH = 0x48;

/** The type byte of a unit's last message; undefined for the startup message, which has none. */
function lastMessageType(unit: Buffer): number | undefined {
  // A typed message starts with a letter; the startup message with its length, whose first byte is 0.
  if (unit[0] === 0) return undefined;
  let at = 0;
  let type: number | undefined;
  while (at + 5 <= unit.length) {
    type = unit[at];
    at += 1 + unit.readInt32BE(at + 1);
  }
  return type;
}

function isBegin(unit: Buffer): boolean {
  if (unit[0] !== QUERY || unit.length !== 1 + unit.readInt32BE(1)) return false;
  const text = unit.toString('utf8', 5, unit.length - 1);
  return text.trim().toUpperCase() === 'BEGIN';
}

const PARSE = 0x50;
const BIND = 0x42;
const DESCRIBE = 0x44;
const CLOSE = 0x43;
const STATEMENT = 0x53;

/** The NUL-terminated string of `message` at `offset`, and the offset after it. */
function cString(message: Buffer, offset: number): { text: string; next: number } {
  const end = message.indexOf(0, offset);
  if (end < 0) throw new Error('malformed message');
  return { text: message.toString('utf8', offset, end), next: end + 1 };
}

/** `message` with the statement name at `offset` prefixed by `prefix` (the unnamed statement stays unnamed). */
function withStatementName(message: Buffer, offset: number, prefix: string): { message: Buffer; name?: string } {
  const { text, next } = cString(message, offset);
  if (text === '') return { message };
  const name = `${prefix}${text}`;
  const body = Buffer.concat([message.subarray(5, offset), Buffer.from(`${name}\0`, 'utf8'), message.subarray(next)]);
  const header = Buffer.alloc(5);
  header[0] = message[0] as number;
  header.writeInt32BE(4 + body.length, 1);
  return { message: Buffer.concat([header, body]), name };
}

/** The message with this connection's statement names (see the file's comment); `name` when it prepares one. */
function ownStatementNames(message: Buffer, prefix: string): { message: Buffer; name?: string } {
  switch (message[0]) {
    case PARSE:
      return withStatementName(message, 5, prefix);
    case BIND:
      // Portal name first, then the statement's.
      return { message: withStatementName(message, cString(message, 5).next, prefix).message };
    case DESCRIBE:
    case CLOSE:
      return message[5] === STATEMENT ? { message: withStatementName(message, 6, prefix).message } : { message };
    default:
      return { message };
  }
}

/** One client connection: reassembles messages, groups them into units and runs each whole. */
function handleConnection(db: PGlite, backend: Mutex, socket: Socket, stats: UnitStats, prefix: string): void {
  let buffer: Buffer = Buffer.alloc(0);
  /** The statements this connection prepared, deallocated when it closes. */
  const prepared = new Set<string>();
  let started = false;
  let pending: Buffer[] = [];
  /** Set while this connection holds the backend between units (an open transaction). */
  let release: (() => void) | undefined;
  /** A BEGIN already answered, to run before the connection's next unit. */
  let deferredBegin: Buffer | undefined;
  let chain = Promise.resolve();
  let closed = false;

  const run = (unit: Buffer) => {
    chain = chain
      .then(() => execute(unit))
      .catch(() => {
        socket.destroy();
      });
  };

  /**
   * Runs `unit` on the backend, handing its answer to `forward` as PostgreSQL would send it (unit-answer.ts);
   * answers the status its ReadyForQuery ends with.
   */
  const runUnit = async (unit: Buffer, forward: (chunk: Buffer) => void): Promise<number | undefined> => {
    // Every unit ends with Q, S or H (flush: no ReadyForQuery); the startup message (no type byte) with one.
    const answer = unitAnswer({ endsWithSync: lastMessageType(unit) !== FLUSH, forward });
    await db.runExclusive(() =>
      db.execProtocolRawStream(new Uint8Array(unit.buffer, unit.byteOffset, unit.byteLength), {
        onRawData: (data) => {
          if (data.length > 0) answer.push(Buffer.from(data));
        },
      }),
    );
    return answer.end();
  };

  const execute = async (unit: Buffer) => {
    if (closed) return;
    if (!release && !deferredBegin && isBegin(unit)) {
      // A transaction's BEGIN is answered at once and run with the connection's next unit: the backend
      // is not held, nor a round trip spent, while the client prepares its first statement (PostgreSQL
      // too takes a transaction's snapshot at its first statement, not at BEGIN).
      deferredBegin = unit;
      socket.write(BEGIN_ANSWER);
      return;
    }
    if (!release) release = await backend.hold();
    if (deferredBegin) {
      const begin = deferredBegin;
      deferredBegin = undefined;
      // It was answered as begun: had it not begun, the client's statements would each commit alone, so
      // the connection is cut instead (its work so far rolls back on close).
      if ((await runUnit(begin, () => undefined)) !== IN_TRANSACTION) {
        socket.destroy();
        return;
      }
    }
    const started = performance.now();
    const status = await runUnit(unit, (chunk) => {
      if (!closed) socket.write(chunk);
    });
    const heldMs = performance.now() - started;
    stats.units++;
    if (heldMs > stats.longestMs) {
      stats.longestMs = heldMs;
      stats.longestSql = sqlOf(unit);
    }
    if (heldMs > 200) stats.over200Ms++;
    // 'I' idle lets others in; 'T' or 'E' (a transaction, maybe failed) keeps the backend for this connection.
    if (status === IDLE) {
      release();
      release = undefined;
    }
  };

  const onClose = () => {
    if (closed) return;
    closed = true;
    chain = chain.then(async () => {
      if (!release) {
        if (prepared.size === 0) return;
        release = await backend.hold();
      }
      try {
        if (db.isInTransaction()) await db.exec('ROLLBACK').catch(() => undefined);
        for (const name of prepared) await db.exec(`DEALLOCATE "${name.replaceAll('"', '""')}"`).catch(() => undefined);
      } finally {
        release();
        release = undefined;
      }
    });
  };
  socket.on('close', onClose);
  socket.on('error', () => socket.destroy());

  socket.on('data', (data: Buffer) => {
    buffer = buffer.length === 0 ? data : Buffer.concat([buffer, data]);
    while (true) {
      if (!started) {
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        const code = buffer.readInt32BE(4);
        if (buffer.length < length) return;
        const message = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSS_REQUEST) {
          socket.write('N');
        } else if (code === CANCEL_REQUEST) {
          socket.end();
          return;
        } else if (code === PROTOCOL_3) {
          started = true;
          run(Buffer.from(message));
        } else {
          socket.destroy();
          return;
        }
        continue;
      }
      if (buffer.length < 5) return;
      const length = 1 + buffer.readInt32BE(1);
      if (buffer.length < length) return;
      const type = buffer[0];
      let own: { message: Buffer; name?: string };
      try {
        own = ownStatementNames(Buffer.from(buffer.subarray(0, length)), prefix);
      } catch {
        socket.destroy();
        return;
      }
      const message = own.message;
      if (own.name !== undefined) prepared.add(own.name);
      buffer = buffer.subarray(length);
      if (type === 0x58 /* X: terminate */) {
        socket.end();
        return;
      }
      pending.push(message);
      // Q (simple query) and S (sync) end a unit; H (flush) asks for what is done so far.
      if (type === 0x51 || type === 0x53 || type === 0x48) {
        const unit = Buffer.concat(pending);
        pending = [];
        run(unit);
      }
    }
  });
}
