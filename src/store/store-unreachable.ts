/**
 * The one place that recognises a store that cannot be reached (PostgreSQL stopped, the network cut,
 * the embedded store's socket gone, a connection attempt timed out) among whatever the `pg` driver
 * and Prisma throw, and turns it into Roster's own `store_unreachable` error, which every edge
 * answers plainly (Slack text, HTTP 503 with Retry-After) instead of as an unexpected failure.
 */
import { RosterError } from '../errors';

/** What a Slack user (and an API or SCIM client) is told while the store cannot be reached. */
export const STORE_UNREACHABLE_TEXT =
  "Roster's database cannot be reached right now; nothing was changed. Try again in a minute.";

/** What HTTP answers carry as Retry-After while the store cannot be reached, in seconds. */
export const STORE_RETRY_AFTER_SECONDS = 30;

/**
 * Prisma's codes for a server it cannot reach (P1001), a timeout reaching it (P1002, P1008), a
 * connection it lost (P1017) or a pool that found no connection in time (P2024).
 */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** Node's socket errors: refused, reset, no such Unix socket (the embedded store's), unroutable, timed out. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOENT',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL's SQLSTATEs for a connection that failed or was lost (class 08) and a server that is
 * shutting down or starting up (57P01–57P03).
 */
const SQLSTATE = /^(08\d{3}|57P0[123])$/;

/** Driver adapter kinds (Prisma's driver adapters) for the same. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);

/** `pg` and `pg-pool` say these in words only, without a code. */
const MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Can't reach database server|Server has closed the connection|Unable to start a transaction in the given time/i;

/**
 * Whether `error` says the store cannot be reached. Only what came through Prisma counts (it carries
 * `clientVersion`): a refused connection to Slack's Web API or to an SMTP server is not the store.
 */
export function isStoreUnreachable(error: unknown): boolean {
  const chain = causes(error);
  if (!chain.some((link) => typeof link.clientVersion === 'string')) return false;
  return chain.some(({ code, kind, message }) => {
    if (typeof code === 'string' && (PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATE.test(code))) return true;
    if (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) return true;
    return typeof message === 'string' && MESSAGES.test(message);
  });
}

interface Link {
  code?: unknown;
  kind?: unknown;
  message?: unknown;
  clientVersion?: unknown;
  cause?: unknown;
}

/** `error` and its causes, a few deep. */
function causes(error: unknown): Link[] {
  const chain: Link[] = [];
  for (let current = error; current && typeof current === 'object' && chain.length < 5; current = (current as Link).cause)
    chain.push(current as Link);
  return chain;
}

/** `error` as Roster's `store_unreachable` error when the store cannot be reached, else undefined. */
export function asStoreUnreachable(error: unknown): RosterError | undefined {
  if (error instanceof RosterError) return error.code === 'store_unreachable' ? error : undefined;
  return isStoreUnreachable(error) ? storeUnreachableError(error) : undefined;
}

/** The one error a store out of reach becomes, wherever it was noticed (a failed statement, a lookup past its budget). */
export function storeUnreachableError(cause?: unknown): RosterError {
  return new RosterError('store_unreachable', STORE_UNREACHABLE_TEXT, cause === undefined ? undefined : { cause });
}
