/**
 * POSTs signed webhook messages over HTTPS (HTTP too when WEBHOOK_ALLOW_PRIVATE is set). The address
 * is checked when the connection is made, after DNS: every address the name resolves to must be
 * public (webhook-address.ts), and the connection goes to the address that was checked, so a name
 * that answers differently the second time (DNS rebinding) gains nothing. Redirects are not followed;
 * each attempt has a time limit; the answer's body is read and dropped.
 */
import { type LookupAddress, lookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { WebhookAnswer, WebhookPoster } from '../domain/ports';
import { isPublicAddress } from '../domain/webhooks/webhook-address';

/** The most of an answer's body read before the connection is let go. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** A lookup that fails for names resolving to any address that is not public. */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
      if (refused) {
        // The address itself is not named: the owner reads this, and internal names should not be mapped through it.
        const err = Object.assign(new Error(`${hostname} resolves to an address that is not public`), {
          code: 'EWEBHOOKADDRESS',
        });
        return callback(err, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      return callback(null, first.address, first.family);
    });
  };
}

/** A plain reason for a failed request, naming no secret. */
function reasonOf(error: unknown, timeoutMs: number): string {
  const { code, name, message } = error as { code?: string; name?: string; message?: string };
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  if (code === 'EWEBHOOKADDRESS') return message ?? 'refused address';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return 'the connection was closed before an answer';
  if (code === 'ECONNREFUSED') return 'the connection was refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT')) return `TLS failed (${code})`;
  return message ?? String(error);
}

export type WebhookHttp = Required<WebhookPoster>;

/** The poster deliveries use; `close` ends its kept-alive connections. */
export function createWebhookPoster(options: { allowPrivate: boolean; timeoutMs: number }): WebhookHttp {
  const lookupGuard = guardedLookup(options.allowPrivate);
  const agents = {
    'http:': new http.Agent({ keepAlive: true, lookup: lookupGuard }),
    'https:': new https.Agent({ keepAlive: true, lookup: lookupGuard }),
  };
  return {
    post(url, headers, body, stop): Promise<WebhookAnswer> {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return Promise.resolve({ error: 'the URL is not valid' });
      }
      const agent =
        target.protocol === 'https:' || (target.protocol === 'http:' && options.allowPrivate) ? agents[target.protocol] : null;
      if (!agent) return Promise.resolve({ error: `${target.protocol}// is not allowed` });
      const host = target.hostname.replace(/^\[|\]$/g, '');
      // An address in the URL is connected to without a lookup: checked here instead.
      if (isIP(host) && !options.allowPrivate && !isPublicAddress(host)) {
        return Promise.resolve({ error: `${host} is not a public address` });
      }
      const send = target.protocol === 'https:' ? https.request : http.request;
      return new Promise((resolve) => {
        const request = send(
          target,
          {
            method: 'POST',
            agent,
            headers: { ...headers, 'content-length': Buffer.byteLength(body), 'user-agent': 'Roster-Webhooks/1' },
            signal: stop
              ? AbortSignal.any([AbortSignal.timeout(options.timeoutMs), stop])
              : AbortSignal.timeout(options.timeoutMs),
          },
          (response) => {
            let read = 0;
            response.on('data', (chunk: Buffer) => {
              read += chunk.length;
              if (read > MAX_ANSWER_BYTES) response.destroy();
            });
            response.on('error', () => undefined);
            response.on('close', () => resolve({ status: response.statusCode ?? 0 }));
          },
        );
        request.on('error', (error) => resolve({ error: reasonOf(error, options.timeoutMs) }));
        request.end(body);
      });
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
