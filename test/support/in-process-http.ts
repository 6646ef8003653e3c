/**
 * Hands a request to an HTTP handler (Roster's `http`) in this process and collects its answer: Node's
 * own request and response objects over a socket that carries nothing, so the handler runs exactly
 * as under a server (Express, Bolt's receiver and its signature check) with no server, port or
 * connection.
 */
import { IncomingMessage, type RequestListener, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

export interface InProcessRequest {
  method?: string;
  /** Path and query, e.g. `/slack/events`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Sends `request` to `handler`; resolves with the answer as `fetch` would give it. */
export function handOver(handler: RequestListener, request: InProcessRequest): Promise<Response> {
  const body = Buffer.from(request.body ?? '');
  const socket = new Socket();
  // Where the request comes from, as a server would see it (req.ip, rate limits, the audit trail).
  Object.defineProperty(socket, 'remoteAddress', { value: '127.0.0.1' });
  const req = new IncomingMessage(socket);
  req.method = request.method ?? 'GET';
  req.url = request.path;
  req.httpVersion = '1.1';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  const headers: Record<string, string> = { host: 'roster.in-process' };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  if (body.length > 0 || req.method !== 'GET') headers['content-length'] = String(body.length);
  req.headers = headers;
  req.rawHeaders = Object.entries(headers).flat();
  if (body.length > 0) req.push(body);
  req.push(null);
  req.complete = true;

  const res = new ServerResponse(req);
  // Makes writeHead's headers land where getHeaders() reads them.
  res.setHeader('x-in-process', '1');
  res.removeHeader('x-in-process');
  const chunks: Buffer[] = [];
  const collect = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    chunks.push(
      Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
    );
  };

  return new Promise<Response>((resolve, reject) => {
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
      collect(chunk, encoding);
      return write(chunk as never, encoding as never, callback as never);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
      collect(chunk, encoding);
      const result = end(chunk as never, encoding as never, callback as never);
      const answer = new Headers();
      for (const [name, value] of Object.entries(res.getHeaders())) {
        if (value === undefined) continue;
        for (const one of Array.isArray(value) ? value : [String(value)]) answer.append(name, one);
      }
      const status = res.statusCode;
      const payload = status === 204 || status === 304 || req.method === 'HEAD' ? null : Buffer.concat(chunks);
      resolve(new Response(payload, { status, statusText: res.statusMessage, headers: answer }));
      return result;
    }) as typeof res.end;
    try {
      handler(req, res);
    } catch (error) {
      reject(error);
    }
  });
}

/** A `fetch` for URLs on `origin` that goes to `handler` in process (redirects are returned, not followed). */
export function inProcessFetch(handler: RequestListener, origin: string): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (url.origin !== new URL(origin).origin) throw new Error(`in-process fetch: ${url.origin} is not ${origin}`);
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const body = init.body === undefined || init.body === null ? undefined : String(init.body);
    return handOver(handler, { method: init.method ?? 'GET', path: `${url.pathname}${url.search}`, headers, body });
  }) as typeof fetch;
}
