/** The client side of the embedded store's control socket (backups through the owner). */
import { createConnection } from 'node:net';
import path from 'node:path';

/** Asks the owner serving `socketDir` to write a backup to `file`; resolves with its size in bytes. */
export function requestBackup(socketDir: string, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path.join(socketDir, '.s.roster.ctl'));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ op: 'backup', file })}\n`));
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      try {
        const answer = JSON.parse(text) as { ok: boolean; bytes?: number; error?: string };
        if (answer.ok) resolve(answer.bytes ?? 0);
        else reject(new Error(`The store's owner could not write the backup: ${answer.error}`));
      } catch {
        reject(new Error("The store's owner closed the connection without an answer."));
      }
    });
  });
}
