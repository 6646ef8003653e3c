import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWire, type WireServer } from '../../src/store/embedded/wire-server';

describe('the wire server: one PGlite backend shared by many pg connections', () => {
  let db: PGlite;
  let wire: WireServer;
  let pool: pg.Pool;
  let socketDir: string;
  beforeAll(async () => {
    db = await PGlite.create();
    socketDir = await mkdtemp(path.join(tmpdir(), 'roster-wire-'));
    wire = await serveWire(db, path.join(socketDir, '.s.PGSQL.5432'));
    pool = new pg.Pool({ host: socketDir, user: 'postgres', database: 'postgres', max: 10 });
    await pool.query('CREATE TABLE t (id serial PRIMARY KEY, a int NOT NULL, b text NOT NULL)');
  });
  afterAll(async () => {
    await pool?.end();
    await wire?.close();
    await db?.close();
  });

  it('keeps each connection’s extended-protocol messages and transactions whole under concurrency', async () => {
    const problems: string[] = [];
    await Promise.all(
      Array.from({ length: 400 }, async (_, i) => {
        if (i % 4 === 0) {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            await client.query('INSERT INTO t (a, b) VALUES ($1, $2)', [i, `tx${i}`]);
            const seen = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE a = $1', [i]);
            if (seen.rows[0]?.n !== 1) problems.push(`transaction ${i} saw ${seen.rows[0]?.n}`);
            await client.query('INSERT INTO t (a, b) VALUES ($1, $2)', [100_000 + i, `tx${i}`]);
            // Half the transactions roll back: a statement of another connection let into one would vanish with it.
            await client.query(i % 8 === 0 ? 'COMMIT' : 'ROLLBACK');
          } finally {
            client.release();
          }
        } else if (i % 4 === 1) {
          const echoed = await pool.query<{ x: number; y: string }>('SELECT $1::int AS x, $2::text AS y', [i, `s${i}`]);
          if (echoed.rows[0]?.x !== i || echoed.rows[0]?.y !== `s${i}`)
            problems.push(`query ${i} got ${JSON.stringify(echoed.rows[0])}`);
        } else {
          await pool.query('INSERT INTO t (a, b) VALUES ($1, $2)', [i, `p${i}`]);
        }
      }),
    );
    expect(problems).toEqual([]);
    expect((await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]?.n).toBe(50 * 2 + 200);
  });

  it('rolls back the transaction of a client that disconnects, and serves the others meanwhile', async () => {
    const quitter = new pg.Client({ host: socketDir, user: 'postgres', database: 'postgres' });
    quitter.on('error', () => undefined);
    await quitter.connect();
    await quitter.query('BEGIN');
    await quitter.query('INSERT INTO t (a, b) VALUES (-1, $1)', ['never committed']);
    const waiting = pool.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE a = -1');
    (quitter as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    expect((await waiting).rows[0]?.n).toBe(0);
  });

  it('gives the backend to work outside transactions (a backup) only between units', async () => {
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO t (a, b) VALUES (-2, $1)', ['in flight']);
    let ranInside = true;
    const exclusive = wire.exclusive(async () => {
      ranInside = db.isInTransaction();
    });
    await client.query('COMMIT');
    client.release();
    await exclusive;
    expect(ranInside).toBe(false);
  });

  it('keeps each connection’s prepared statements its own, and drops them when it closes', async () => {
    const connect = async () => {
      const client = new pg.Client({ host: socketDir, user: 'postgres', database: 'postgres' });
      await client.connect();
      return client;
    };
    const prepared = async () =>
      (await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'c%\\_same'"))
        .rows[0]?.n;
    const [one, two] = [await connect(), await connect()];
    // The same name for different statements, as two processes' `pg` caches would each choose it.
    const first = await one.query<{ v: string }>({ name: 'same', text: 'SELECT $1::text AS v', values: ['one'] });
    const second = await two.query<{ v: number }>({ name: 'same', text: 'SELECT $1::int + 1 AS v', values: [41] });
    const again = await one.query<{ v: string }>({ name: 'same', text: 'SELECT $1::text AS v', values: ['once more'] });
    expect([first.rows[0]?.v, second.rows[0]?.v, again.rows[0]?.v]).toEqual(['one', 42, 'once more']);
    expect(await prepared()).toBe(2);
    await one.end();
    await two.end();
    await expect.poll(prepared).toBe(0);
  });

  it('answers a BEGIN without the backend, and runs it with the transaction’s first statement', async () => {
    const client = await pool.connect();
    let letGo: () => void = () => undefined;
    let held: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => (held = resolve));
    // Another user of the backend (a backup) holds it while the client begins.
    const backup = wire.exclusive(async () => {
      held();
      await new Promise<void>((resolve) => (letGo = resolve));
    });
    await holding;
    const answered = await Promise.race([
      client.query('BEGIN').then(() => 'answered'),
      new Promise((resolve) => setTimeout(() => resolve('waited for the backend'), 500)),
    ]);
    letGo();
    await backup;
    expect(answered).toBe('answered');
    await client.query('INSERT INTO t (a, b) VALUES (-3, $1)', ['rolled back']);
    expect(db.isInTransaction()).toBe(true);
    await client.query('ROLLBACK');
    await client.query('BEGIN');
    await client.query('INSERT INTO t (a, b) VALUES (-4, $1)', ['committed']);
    await client.query('COMMIT');
    // A transaction with no statement, and a BEGIN left by a client that went away, change nothing.
    await client.query('BEGIN');
    await client.query('COMMIT');
    client.release();
    const quitter = new pg.Client({ host: socketDir, user: 'postgres', database: 'postgres' });
    quitter.on('error', () => undefined);
    await quitter.connect();
    await quitter.query('BEGIN');
    await quitter.end();
    const rows = await pool.query<{ a: number }>('SELECT a FROM t WHERE a IN (-3, -4) ORDER BY a');
    expect(rows.rows.map((r) => r.a)).toEqual([-4]);
    expect(db.isInTransaction()).toBe(false);
  });
});
