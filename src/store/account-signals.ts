/**
 * Telling every replica that an account changed (installed, uninstalled, settings saved), so each
 * forgets its cached copy at once rather than when the copy expires. On PostgreSQL this is
 * LISTEN/NOTIFY on one channel; a replica whose listening connection drops forgets every account (it
 * may have missed a signal) and listens again. The embedded store has one serving process, which
 * forgets locally; there is nobody else to tell.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from './tx';

const CHANNEL = 'roster_account_changed';
const RECONNECT_MS = 1_000;

export interface AccountSignals {
  /** Sends the signal (after the change has committed): every replica, this one included, hears it. */
  announce(db: Db, accountId: string): Promise<void>;
  close(): Promise<void>;
}

export async function listenForAccountChanges(deps: {
  /** PostgreSQL's URL; without one (the embedded store) signals stay in this process. */
  databaseUrl?: string;
  logger: Logger;
  changed: (accountId: string) => void;
  /** The connection dropped: whatever was missed, start afresh. */
  lost: () => void;
}): Promise<AccountSignals> {
  const { databaseUrl, logger } = deps;
  if (!databaseUrl) {
    return {
      async announce(_db, accountId) {
        deps.changed(accountId);
      },
      async close() {},
    };
  }

  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  function listenAgainSoon(): void {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, RECONNECT_MS);
  }

  let listenedBefore = false;

  async function connect(): Promise<void> {
    // keepAlive: a connection that died silently (a NAT timeout, a failover) still ends, and is replaced.
    const next = new pg.Client({ connectionString: databaseUrl, keepAlive: true });
    next.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) deps.changed(message.payload);
    });
    next.on('error', (err) => logger.warn({ err }, 'lost the account-change signals; listening again'));
    next.on('end', () => {
      if (client !== next) return;
      client = null;
      deps.lost();
      listenAgainSoon();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
      if (closed) {
        await next.end();
        return;
      }
      client = next;
      // Signals sent while nobody listened were missed, and what was cached meanwhile may be stale.
      if (listenedBefore) deps.lost();
      listenedBefore = true;
    } catch (err) {
      logger.warn({ err }, 'cannot listen for account-change signals yet; trying again');
      listenedBefore = true;
      await next.end().catch(() => undefined);
      listenAgainSoon();
    }
  }
  await connect();

  return {
    async announce(db, accountId) {
      // This replica forgets at once, whether or not its own notification has come back yet.
      deps.changed(accountId);
      await db.$executeRaw`SELECT pg_notify(${CHANNEL}, ${accountId})`;
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const open = client;
      client = null;
      await open?.end().catch(() => undefined);
    },
  };
}
