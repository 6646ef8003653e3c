/** HTTP middleware that times SCIM and API requests by route template (never the raw path) and status. */
import type { RequestHandler } from 'express';
import { httpSurfaceOf, routeTemplate } from './metric-labels';
import type { Metrics } from './metrics-port';

/**
 * Observes each SCIM or API request once, when its answer ends (`res.end`: a response handed to a
 * server of one's own, as the in-process tests do, never emits `finish`) or its connection closes first.
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    // The whole path, read before any router rewrites `req.path` for its mount point.
    const path = req.path;
    const surface = httpSurfaceOf(path);
    if (!surface) return next();
    const started = performance.now();
    let done = false;
    const observe = () => {
      if (done) return;
      done = true;
      metrics.httpAnswered(surface, routeTemplate(path), req.method, res.statusCode, (performance.now() - started) / 1000);
    };
    const end = res.end;
    res.end = ((...args: unknown[]) => {
      const result = end.apply(res, args as Parameters<typeof end>);
      observe();
      return result;
    }) as typeof end;
    res.once('close', observe);
    next();
  };
}
