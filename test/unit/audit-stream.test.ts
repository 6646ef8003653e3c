/**
 * The audit API's NDJSON stream over a real socket, with a feed that never ends: it reads a batch only
 * when the client has taken the last (a client that stops reading holds the server to a few batches,
 * so memory stays flat), and it stops reading when the client goes away.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEventJson, AuditFeed } from '../../src/domain/audit/audit-feed';
import type { SignInService } from '../../src/domain/credentials/sign-in-service';
import { auditRoutes } from '../../src/web/audit-routes';
import type { RateLimit } from '../../src/web/rate-limit';

const BATCH = 1000;

function endlessFeed() {
  const state = { batches: 0, finished: false };
  const event = (seq: number): AuditEventJson => ({
    seq,
    id: `id-${seq}`,
    at: '2026-12-01T00:00:00.000Z',
    action: 'user.updated',
    actor: { id: null, email: 'someone@example.com', slackId: null },
    target: { id: null, email: 'other@example.com', name: 'Other' },
    before: { status: 'active', note: 'x'.repeat(200) },
    after: { status: 'disabled', note: 'y'.repeat(200) },
    source: 'scim',
    clientAddress: null,
  });
  const feed = {
    allow: () => undefined,
    page: async () => ({ events: [], next: 0n }),
    range: async () => ({
      end: 1n << 40n,
      batches: (async function* () {
        try {
          for (;;) {
            const first = state.batches * BATCH + 1;
            state.batches += 1;
            yield Array.from({ length: BATCH }, (_, i) => event(first + i));
          }
        } finally {
          state.finished = true;
        }
      })(),
    }),
  } as unknown as AuditFeed;
  return { feed, state };
}

describe('the audit API’s NDJSON stream', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  async function serve(
    feed: AuditFeed,
    logger = pino({ level: 'silent' }),
    rateLimit = { hit: async () => 0, reserve: async () => 0 } as unknown as RateLimit,
  ): Promise<number> {
    const signIn = {
      accountId: 'acc',
      verify: async ({ apiKey }: { apiKey: string }) =>
        apiKey === 'k' ? { user: { id: 'u' }, permissions: ['audit:view'] } : null,
    };
    const app = express().use(auditRoutes({ signIn: signIn as unknown as SignInService, feed, rateLimit, logger }));
    server = app.listen(0);
    await new Promise((resolve) => server?.once('listening', resolve));
    return (server.address() as AddressInfo).port;
  }

  it('reads no further than the client takes, and stops when the client goes away', async () => {
    const { feed, state } = endlessFeed();
    const port = await serve(feed);
    const req = http.get({ port, path: '/api/v1/audit', headers: { authorization: 'Bearer k', accept: 'application/x-ndjson' } });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.once('response', resolve));
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const first = await new Promise<string>((resolve) => res.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    expect(JSON.parse(first.split('\n')[0] as string)).toMatchObject({ seq: 1, action: 'user.updated' });
    res.pause();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const whilePaused = state.batches;
    await new Promise((resolve) => setTimeout(resolve, 400));
    // The client stopped reading: the server waits for it (a few batches fill the socket buffers, then nothing).
    expect(state.batches).toBe(whilePaused);
    expect(whilePaused).toBeLessThan(40);
    req.destroy();
    await expect.poll(() => state.finished, { timeout: 2000 }).toBe(true);
    const atEnd = state.batches;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(state.batches).toBe(atEnd);
  });

  it('breaks the connection off when reading fails mid-stream, and logs it, instead of ending as if complete', async () => {
    const { feed } = endlessFeed();
    const failing = {
      ...feed,
      range: async () => {
        const { batches, end } = await feed.range({ permissions: [] }, { after: 0n, filter: {} });
        return {
          end,
          batches: (async function* () {
            yield (await batches.next()).value as AuditEventJson[];
            throw new Error('connection to the database lost');
          })(),
        };
      },
    } as AuditFeed;
    const logged: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(line) });
    const port = await serve(failing, logger);
    const req = http.get({ port, path: '/api/v1/audit', headers: { authorization: 'Bearer k', accept: 'application/x-ndjson' } });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.once('response', resolve));
    expect(res.statusCode).toBe(200);
    let text = '';
    res.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const ending = await new Promise<string>((resolve) => {
      res.once('end', () => resolve('end'));
      res.once('aborted', () => resolve('aborted'));
      res.once('error', () => resolve('error'));
    });
    expect(ending).not.toBe('end');
    expect(text.split('\n').length).toBeGreaterThan(1);
    expect(logged.join('')).toContain('audit stream failed');
  });

  it('answers 429 with Retry-After once a key has used its requests, or a client its failed attempts', async () => {
    const counted: string[] = [];
    const rateLimit = {
      hit: async (key: string) => {
        counted.push(key);
        return 12;
      },
      reserve: async (key: string) => {
        counted.push(key);
        return 40;
      },
    } as unknown as RateLimit;
    const port = await serve(endlessFeed().feed, undefined, rateLimit);
    const used = await fetch(`http://127.0.0.1:${port}/api/v1/audit`, { headers: { authorization: 'Bearer k' } });
    expect([used.status, used.headers.get('retry-after')]).toEqual([429, '12']);
    const failed = await fetch(`http://127.0.0.1:${port}/api/v1/audit`, { headers: { authorization: 'Bearer wrong' } });
    expect([failed.status, failed.headers.get('retry-after')]).toEqual([429, '40']);
    expect(counted).toEqual(['use:audit:u', expect.stringMatching(/^fail:audit:acc:/)]);
  });
});
