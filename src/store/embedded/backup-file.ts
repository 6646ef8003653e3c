/**
 * Backup files of the embedded store (a gzipped tar of PGlite's data directory, from
 * `dumpDataDir`). One is written under a random temporary name that nothing else can have taken,
 * checked against what the owner said it sent and read back as a dump PGlite can load, and only
 * then given its name: a backup reported as written is there, whole, and opens.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** What the store's owner says about a backup it sends. */
export interface BackupSummary {
  bytes: number;
  /** SHA-256 of the gzipped tar, in hex. */
  sha256: string;
}

/** The SHA-256 of `bytes`, in hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Writes the backup `data` (which its owner says is `expected`) to `file` and resolves with its
 * size; leaves nothing behind when it is not whole, not what was announced, or does not open.
 */
export async function writeBackup(
  file: string,
  data: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  expected: BackupSummary,
): Promise<number> {
  const target = path.resolve(file);
  const temporary = path.join(path.dirname(target), `.roster-backup-${randomBytes(8).toString('hex')}.tmp`);
  // 'wx': a file or link already there under this name is an error, never followed.
  const handle = await open(temporary, 'wx', 0o600);
  let named = false;
  try {
    const hash = createHash('sha256');
    let received = 0;
    try {
      for await (const chunk of data) {
        received += chunk.length;
        if (received > expected.bytes) break;
        hash.update(chunk);
        await writeAll(handle, chunk);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (received !== expected.bytes) {
      throw new Error(
        `The backup is incomplete: the store's owner announced ${expected.bytes} bytes and sent ${received > expected.bytes ? 'more' : received}; nothing was written.`,
      );
    }
    if (hash.digest('hex') !== expected.sha256) {
      throw new Error("The backup is not what the store's owner announced (its SHA-256 differs); nothing was written.");
    }
    await checkBackup(temporary, expected);
    await rename(temporary, target);
    named = true;
    await syncDirectory(path.dirname(target));
    return (await stat(target)).size;
  } finally {
    if (!named) await unlink(temporary).catch(() => undefined);
  }
}

/** Makes a rename in `dir` survive a crash (where the platform allows syncing a directory). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  await handle
    ?.sync()
    .catch(() => undefined)
    .finally(() => handle.close());
}

/**
 * Reads the backup `file` back: a gzip stream that ends whole (its checksum and length agree), of a
 * tar archive whose headers are sound and that ends properly, holding PGlite's `PG_VERSION`; with
 * `expected`, of that size and SHA-256. Throws, naming the file, when it is not.
 */
export async function checkBackup(file: string, expected?: BackupSummary): Promise<void> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new PassThrough();
  tap.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    hash.update(chunk);
  });
  const tar = new TarCheck();
  try {
    await pipeline(createReadStream(file), tap, createGunzip(), tar);
    tar.finish();
  } catch (error) {
    throw new Error(`${file} is not a backup the store can open (${(error as Error).message}).`);
  }
  if (expected && (bytes !== expected.bytes || hash.digest('hex') !== expected.sha256)) {
    throw new Error(`${file} does not hold what the store's owner sent (its size or SHA-256 differs).`);
  }
}

const BLOCK = 512;

/** Walks a tar stream's headers without keeping its contents. */
class TarCheck extends Writable {
  private header = Buffer.alloc(0);
  /** Bytes of the current entry (with its padding) still to skip. */
  private skip = 0;
  private ended = false;
  private sawVersion = false;

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    try {
      this.take(chunk);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  /** Throws unless the archive ended properly and held `PG_VERSION`. */
  finish(): void {
    if (!this.ended) throw new Error('the archive is cut short');
    if (!this.sawVersion) throw new Error('it holds no PostgreSQL data directory');
  }

  private take(chunk: Buffer): void {
    let rest = chunk;
    while (rest.length > 0) {
      if (this.ended) {
        // After the end-of-archive block only padding (zeros) may follow.
        if (rest.some((byte) => byte !== 0)) throw new Error('data follows the end of the archive');
        return;
      }
      if (this.skip > 0) {
        const skipped = Math.min(this.skip, rest.length);
        this.skip -= skipped;
        rest = rest.subarray(skipped);
        continue;
      }
      const wanted = BLOCK - this.header.length;
      this.header = Buffer.concat([this.header, rest.subarray(0, wanted)]);
      rest = rest.subarray(wanted);
      if (this.header.length < BLOCK) return;
      const header = this.header;
      this.header = Buffer.alloc(0);
      if (header.every((byte) => byte === 0)) {
        this.ended = true;
        continue;
      }
      const size = this.readHeader(header);
      this.skip = Math.ceil(size / BLOCK) * BLOCK;
    }
  }

  /** Checks one header block and resolves with the size of its entry. */
  private readHeader(header: Buffer): number {
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('latin1')
        .replace(/\0.*$/s, '');
    const stored = Number.parseInt(field(148, 8).trim(), 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] as number);
    if (stored !== sum) throw new Error('a tar header is damaged');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    if (!Number.isSafeInteger(size) || size < 0) throw new Error('a tar header has no size');
    const prefix = field(257, 6) === 'ustar' ? field(345, 155) : '';
    const name = (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100)).replace(/^(\.?\/)+/, '');
    if (name === 'PG_VERSION') this.sawVersion = true;
    return size;
  }
}
