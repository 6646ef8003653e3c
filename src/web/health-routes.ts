/** `/healthz` (the process answers) and `/readyz` (the store answers and its migrations are applied). */
import { Router } from 'express';

/**
 * How long `/readyz` waits for the store: a store that does not answer by then is not ready (probes
 * give up after a second or a few; a connection attempt to a store that swallows packets takes longer).
 */
export const READY_WITHIN_MS = 2_000;

export function healthRoutes(deps: { ready: () => Promise<boolean> }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const ready = await withinTime(deps.ready(), READY_WITHIN_MS);
    res.set('Cache-Control', 'no-store');
    res.status(ready ? 200 : 503).json({ ok: ready });
  });
  return router;
}

/** `answer`'s value, or false if it fails or takes longer than `ms`. */
async function withinTime(answer: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([answer.catch(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}
