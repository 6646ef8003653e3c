import { link, mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireOwnerLock, findOwner, type OwnerLock } from '../../src/store/embedded/owner-lock';

const INFO = { pid: 1, command: 'test', since: '2026-01-01T00:00:00.000Z' };

/** A lock file left by an owner killed with SIGKILL: a socket nothing listens on any more. */
async function deadLock(dataDir: string, generation: number): Promise<void> {
  const server = createServer();
  const temporary = path.join(dataDir, 'dying');
  await new Promise<void>((resolve) => server.listen(temporary, () => resolve()));
  await link(temporary, path.join(dataDir, `.s.lock.${generation}`));
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function locks(dataDir: string): Promise<string[]> {
  return readdir(dataDir).then((names) => names.filter((name) => name.startsWith('.s.lock.')));
}

describe('the owner lock', () => {
  it('of twenty takers racing for a free directory, exactly one gets it; released, the next one does', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'roster-lock-'));
    const taken = (await Promise.all(Array.from({ length: 20 }, () => acquireOwnerLock(dataDir, INFO)))).filter(
      (lock): lock is OwnerLock => lock !== undefined,
    );
    expect(taken).toHaveLength(1);
    expect(await findOwner(dataDir)).toEqual({ info: INFO });
    expect((await stat(path.join(dataDir, 'owner.json'))).mode & 0o777).toBe(0o600);
    await taken[0]?.release();
    expect(await findOwner(dataDir)).toBeUndefined();
    const next = await acquireOwnerLock(dataDir, INFO);
    expect(next).toBeDefined();
    await next?.release();
  });

  it('of twenty takers racing for a lock whose owner was killed, exactly one gets it, and the dead lock goes', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'roster-lock-'));
    await deadLock(dataDir, 7);
    expect(await findOwner(dataDir)).toBeUndefined();
    const taken = (await Promise.all(Array.from({ length: 20 }, () => acquireOwnerLock(dataDir, INFO)))).filter(Boolean);
    expect(taken).toHaveLength(1);
    expect(await locks(dataDir)).toEqual(['.s.lock.8']);
    expect(JSON.parse(await readFile(path.join(dataDir, 'owner.json'), 'utf8'))).toMatchObject({ generation: 8, pid: 1 });
    await taken[0]?.release();
  });
});
