/**
 * Serving the metrics: `GET /metrics` on Roster's own listener behind `METRICS_TOKEN` (a bearer token),
 * and/or on a listener of its own at `METRICS_HOST:METRICS_PORT` (no token: the operator decides who
 * reaches that address). With neither set, nothing serves them and /metrics is a 404 like any unknown path.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response, Router } from 'express';
import type { Registry } from 'prom-client';

/** The path Prometheus scrapes. */
export const METRICS_PATH = '/metrics';

/** Answers a scrape with the registry's text exposition; a registry that cannot collect answers 500. */
async function scrape(registry: Registry, res: Response): Promise<void> {
  try {
    const text = await registry.metrics();
    res.set('Cache-Control', 'no-store').type(registry.contentType).send(text);
  } catch {
    res.status(500).type('text/plain').send('The metrics could not be collected; try again.');
  }
}

/** Whether `Authorization: Bearer …` carries `token` (compared in constant time, through a digest of each). */
function bearerMatches(req: Request, token: string): boolean {
  const given = /^Bearer (\S{1,500})$/.exec(req.headers.authorization ?? '')?.[1];
  if (!given) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** `GET /metrics` for Roster's own listener: only with the bearer token, else 401. */
export function metricsRoute(registry: Registry, token: string): Router {
  const router = Router();
  router.get(METRICS_PATH, (req, res) => {
    if (!bearerMatches(req, token)) {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"').status(401).type('text/plain');
      res.send('Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>".');
      return;
    }
    void scrape(registry, res);
  });
  return router;
}

/** A listener of its own that serves only `GET /metrics`, without a token. */
export interface MetricsListener {
  port: number;
  close(): Promise<void>;
}

/** Starts the metrics listener on `host:port` (port 0 picks a free one). */
export async function serveMetrics(registry: Registry, options: { host: string; port: number }): Promise<MetricsListener> {
  const app = express();
  app.disable('x-powered-by');
  app.get(METRICS_PATH, (_req, res) => void scrape(registry, res));
  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Prometheus keeps its connection alive between scrapes: it takes no new work once closing.
        server.closeIdleConnections();
      }),
  };
}
