/**
 * A webhook receiver on loopback for tests: records every delivery (headers and body) and answers as
 * told — 200, another status, no answer until the sender gives up, or a connection closed mid-request.
 * It checks nothing itself; tests verify signatures with the `standardwebhooks` package, as a real
 * receiver would.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the receiver answers: a status (after `delayMs`), never, or by closing the connection. */
export type ReceiverMode = { status: number; delayMs?: number } | 'hang' | 'close';

export interface Delivery {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** The body's `type` and, for audit events, `data.seq`. */
  type: string;
  seq: number | null;
  /** How the receiver answered it. */
  answered: 'ok' | 'refused' | 'hung' | 'closed';
  /** When it arrived (Date.now()), and when the event happened (`data.at`, for audit events). */
  receivedAt: number;
  eventAt: number | null;
}

export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  /** Deliveries it answered 2xx. */
  accepted(): Delivery[];
  /** The most requests it was answering at the same moment. */
  maxInFlight(): number;
  answer(mode: ReceiverMode): void;
  close(): Promise<void>;
}

function read(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export async function startWebhookReceiver(path = '/hook'): Promise<WebhookReceiver> {
  let mode: ReceiverMode = { status: 200 };
  const deliveries: Delivery[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer(async (request, response) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    response.on('close', () => inFlight--);
    const body = await read(request);
    const parsed = JSON.parse(body) as { type: string; data?: { seq?: number; at?: string } };
    const header = (name: string) => String(request.headers[name] ?? '');
    const delivery: Delivery = {
      id: header('webhook-id'),
      timestamp: header('webhook-timestamp'),
      signature: header('webhook-signature'),
      body,
      type: parsed.type,
      seq: parsed.data?.seq ?? null,
      answered: 'ok',
      receivedAt: Date.now(),
      eventAt: parsed.data?.at ? Date.parse(parsed.data.at) : null,
    };
    deliveries.push(delivery);
    if (mode === 'hang') {
      delivery.answered = 'hung';
      return; // never answers; the sender's time limit ends it
    }
    if (mode === 'close') {
      delivery.answered = 'closed';
      request.socket.destroy();
      return;
    }
    delivery.answered = mode.status >= 200 && mode.status < 300 ? 'ok' : 'refused';
    if (mode.delayMs) await new Promise((resolve) => setTimeout(resolve, (mode as { delayMs: number }).delayMs));
    response.writeHead(mode.status, { 'content-type': 'text/plain' }).end('thanks');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    deliveries,
    accepted: () => deliveries.filter((d) => d.answered === 'ok'),
    maxInFlight: () => maxInFlight,
    answer(next) {
      mode = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
