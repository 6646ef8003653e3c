/** The embedded store's answers as PostgreSQL sends them (src/store/embedded/unit-answer.ts), byte for byte. */
import { describe, expect, it } from 'vitest';
import { unitAnswer } from '../../src/store/embedded/unit-answer';

function message(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}
const ready = (status: 'I' | 'T' | 'E') => message('Z', Buffer.from(status, 'latin1'));
const parseComplete = message('1');
const bindComplete = message('2');
const row = message('D', Buffer.from([0, 1, 0, 0, 0, 1, 0x31]));
const complete = message('C', Buffer.from('SELECT 1\0', 'latin1'));
const error = message('E', Buffer.from('SERROR\0C22012\0Mdivision by zero\0\0', 'latin1'));

/** Runs an answer through the filter in chunks of `size` bytes; what went out, and the status. */
function filter(answer: Buffer, endsWithSync = true, size = answer.length) {
  const out: Buffer[] = [];
  const unit = unitAnswer({ endsWithSync, forward: (chunk) => out.push(Buffer.from(chunk)) });
  for (let at = 0; at < answer.length; at += size) unit.push(answer.subarray(at, at + size));
  const status = unit.end();
  return { sent: Buffer.concat(out), status: status === undefined ? undefined : String.fromCharCode(status) };
}

describe('a unit’s answer from the embedded store', () => {
  const ok = Buffer.concat([parseComplete, bindComplete, row, complete, ready('T')]);

  it('passes a good answer on unchanged, in any chunking, with its status', () => {
    for (const size of [1, 2, 5, 7, ok.length]) expect(filter(ok, true, size)).toEqual({ sent: ok, status: 'T' });
  });

  it('after an error sends nothing more of the unit but one ReadyForQuery, its last (pglite#958)', () => {
    // PGlite: ErrorResponse, a premature ReadyForQuery, what it went on to do, then the Sync's ReadyForQuery.
    const pglite = Buffer.concat([parseComplete, error, ready('E'), bindComplete, row, complete, ready('E')]);
    for (const size of [1, 3, pglite.length]) {
      expect(filter(pglite, true, size)).toEqual({ sent: Buffer.concat([parseComplete, error, ready('E')]), status: 'E' });
    }
  });

  it('sends no ReadyForQuery for a unit that ends with Flush', () => {
    expect(filter(Buffer.concat([parseComplete, error, ready('I')]), false)).toEqual({
      sent: Buffer.concat([parseComplete, error]),
      status: 'I',
    });
  });
});
