/** The client side of the embedded store's control socket (backups through the owner). */
import { once } from 'node:events';
import { createConnection } from 'node:net';
import path from 'node:path';
import { writeBackup } from './backup-file';
import { CONTROL_SOCKET } from './data-dir';
import { ownSocket } from './socket-files';
import { BackupHeader } from './store-protocol';

/** The longest header line an owner may send before its backup. */
const MAX_HEADER = 4_096;

/**
 * Asks the owner of `dataDir` (through this user's control socket there, see `ownSocket`) for a
 * backup and writes it to `file` (see `writeBackup`); resolves with its size in bytes.
 */
export async function requestBackup(dataDir: string, file: string): Promise<number> {
  const address = path.join(dataDir, CONTROL_SOCKET);
  if (!(await ownSocket(address))) throw new Error(`The store's owner serves no backups (there is no ${address}).`);
  const socket = createConnection(address);
  try {
    await once(socket, 'connect');
    socket.write(`${JSON.stringify({ op: 'backup' })}\n`);
    const chunks = socket[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let head = Buffer.alloc(0);
    let newline = -1;
    while (newline < 0) {
      const next = await chunks.next();
      if (next.done) throw new Error("The store's owner closed the connection without an answer.");
      head = Buffer.concat([head, next.value]);
      newline = head.indexOf(0x0a);
      if (newline < 0 && head.length > MAX_HEADER) throw new Error("The store's owner answered something else than a backup.");
    }
    const parsed = BackupHeader.safeParse(parseJson(head.subarray(0, newline).toString('utf8')));
    if (!parsed.success) throw new Error("The store's owner answered something else than a backup.");
    const header = parsed.data;
    if (!header.ok) throw new Error(`The store's owner could not write the backup: ${header.error}`);
    const first = head.subarray(newline + 1);
    async function* body(): AsyncGenerator<Buffer> {
      if (first.length > 0) yield first;
      while (true) {
        const next = await chunks.next();
        if (next.done) return;
        yield next.value;
      }
    }
    return await writeBackup(file, body(), header);
  } finally {
    socket.destroy();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
