import { describe, expect, it } from 'vitest';
import { fail, RosterError } from '../../src/errors';
import { asStoreUnreachable, isStoreUnreachable, STORE_UNREACHABLE_TEXT } from '../../src/store/store-unreachable';

/** An error as Prisma throws it: it carries the client's version. */
function prismaError(fields: Record<string, unknown>, message = 'failed'): Error {
  return Object.assign(new Error(message), { clientVersion: '7.10.1', ...fields });
}

function socketError(code: string, syscall = 'connect'): Error {
  return Object.assign(new Error(`${syscall} ${code}`), { code, syscall, errno: -1 });
}

describe('recognising a store that cannot be reached', () => {
  it.each([
    ['a server Prisma cannot reach (P1001)', prismaError({ code: 'P1001' })],
    ['a connection Prisma lost (P1017)', prismaError({ code: 'P1017' })],
    ['a pool that found no connection in time (P2024)', prismaError({ code: 'P2024' })],
    ['pg losing its connection', prismaError({}, 'Connection terminated unexpectedly')],
    ['a connection attempt that timed out', prismaError({}, 'timeout exceeded when trying to connect')],
    ['the embedded store socket gone', prismaError({ cause: socketError('ENOENT') })],
    ['PostgreSQL shutting down (57P01)', prismaError({ cause: { code: '57P01', message: 'terminating connection' } })],
    ['a driver adapter saying so', prismaError({ cause: { kind: 'DatabaseNotReachable' } })],
    ['a refused connection', prismaError({ cause: socketError('ECONNREFUSED') })],
  ])('%s', (_name, error) => {
    expect(isStoreUnreachable(error)).toBe(true);
    const mapped = asStoreUnreachable(error);
    expect(mapped?.code).toBe('store_unreachable');
    expect(mapped?.message).toBe(STORE_UNREACHABLE_TEXT);
    expect(mapped?.cause).toBe(error);
  });

  it.each([
    ['a unique violation', prismaError({ code: 'P2002' }, 'Unique constraint failed')],
    ['a record not found', prismaError({ code: 'P2025' })],
    // Not through Prisma: Slack's Web API or an SMTP server refusing is not the store.
    ['a refused connection to Slack', socketError('ECONNREFUSED')],
    ['a missing file', socketError('ENOENT', 'open')],
    ['a plain bug', new TypeError('x is undefined')],
    ['nothing', undefined],
  ])('not %s', (_name, error) => {
    expect(isStoreUnreachable(error)).toBe(false);
    expect(asStoreUnreachable(error)).toBeUndefined();
  });

  it('leaves Roster’s other errors alone and keeps its own', () => {
    expect(asStoreUnreachable(fail.conflict('taken'))).toBeUndefined();
    const own = new RosterError('store_unreachable', STORE_UNREACHABLE_TEXT);
    expect(asStoreUnreachable(own)).toBe(own);
  });
});
