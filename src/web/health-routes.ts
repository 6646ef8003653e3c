/** `/healthz` (the process answers) and `/readyz` (the store answers and its migrations are applied). */
import { Router } from 'express';

export function healthRoutes(deps: { ready: () => Promise<boolean> }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const ready = await deps.ready().catch(() => false);
    res.status(ready ? 200 : 503).json({ ok: ready });
  });
  return router;
}
