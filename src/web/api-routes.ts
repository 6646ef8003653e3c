/**
 * The managed product's API: verify an API key or passcode, sign in with a password, register
 * assets. Bodies are validated by zod (400 naming the field); failures are rate-limited per client.
 */
import express, { type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AssetService } from '../domain/assets/asset-service';
import type { SignInService } from '../domain/credentials/sign-in-service';
import { isRosterError } from '../errors';
import type { RateLimit } from './rate-limit';

export const FAILURES_PER_MINUTE = 10;
export const REQUESTS_PER_MINUTE_PER_KEY = 600;

const verifyBody = z.union([
  z.strictObject({ apiKey: z.string().min(1).max(200) }),
  z.strictObject({ passcode: z.string().min(1).max(200) }),
]);
const loginBody = z.strictObject({ email: z.string().max(254), password: z.string().max(1000) });
const assetBody = z.strictObject({
  kind: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a lower-case kind such as "dashboard"'),
  name: z.string().min(1).max(200),
  ownerEmail: z.email().optional(),
  transferable: z.boolean().optional(),
  externalId: z.string().min(1).max(200).optional(),
});

function badRequest(res: Response, error: z.ZodError) {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || 'body';
  const message =
    issue?.code === 'invalid_union'
      ? 'Send exactly one of "apiKey" or "passcode" as a string.'
      : issue?.code === 'unrecognized_keys'
        ? `Unexpected field(s): ${issue.keys.join(', ')}.`
        : `"${field}" is invalid: ${issue?.message ?? 'expected a JSON body'}.`;
  res.status(400).json({ error: 'bad_request', field, message });
}

/** The client a failure counts against: its address (behind a proxy, set Express's `trust proxy`). */
function client(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function apiRoutes(deps: { signIn: SignInService; assets: AssetService; rateLimit: RateLimit; logger: Logger }): Router {
  const { signIn, assets, rateLimit, logger } = deps;
  const router = Router();
  router.use('/api/v1', express.json({ limit: '16kb' }), (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  /** 429 when this client failed too often this minute. */
  async function blocked(req: Request, res: Response, scope: string): Promise<boolean> {
    const failures = await rateLimit.count(`fail:${scope}:${client(req)}`, 60);
    if (failures < FAILURES_PER_MINUTE) return false;
    res
      .set('Retry-After', '60')
      .status(429)
      .json({ error: 'rate_limited', message: 'Too many failed attempts; try again in a minute.' });
    return true;
  }

  async function failed(req: Request, res: Response, scope: string) {
    await rateLimit.hit(`fail:${scope}:${client(req)}`, Number.MAX_SAFE_INTEGER, 60);
    res.status(401).json({ error: 'unauthorized', message: 'The credential is not valid.' });
  }

  const safely = (fn: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    try {
      await fn(req, res);
    } catch (error) {
      if (isRosterError(error)) {
        const status = error.code === 'forbidden' ? 403 : error.code === 'not_found' ? 404 : 400;
        res.status(status).json({ error: error.code, field: error.field, message: error.message });
        return;
      }
      logger.error({ err: error }, 'api request failed');
      res.status(500).json({ error: 'internal', message: 'Something went wrong; try again.' });
    }
  };

  router.post(
    '/api/v1/auth/verify',
    safely(async (req, res) => {
      if (await blocked(req, res, 'verify')) return;
      const body = verifyBody.safeParse(req.body);
      if (!body.success) return badRequest(res, body.error);
      const holder = await signIn.verify(body.data);
      if (!holder) return failed(req, res, 'verify');
      const kind = 'apiKey' in body.data ? 'apikey' : 'passcode';
      const wait = await rateLimit.hit(`use:${kind}:${holder.user.id}`, REQUESTS_PER_MINUTE_PER_KEY, 60);
      if (wait > 0) {
        res
          .set('Retry-After', String(wait))
          .status(429)
          .json({ error: 'rate_limited', message: 'Too many requests with this credential.' });
        return;
      }
      res.json(holder);
    }),
  );

  router.post(
    '/api/v1/login',
    safely(async (req, res) => {
      if (await blocked(req, res, 'login')) return;
      const body = loginBody.safeParse(req.body);
      if (!body.success) return badRequest(res, body.error);
      const holder = await signIn.login(body.data.email, body.data.password);
      if (!holder) return failed(req, res, 'login');
      res.json(holder);
    }),
  );

  router.post(
    '/api/v1/assets',
    safely(async (req, res) => {
      if (await blocked(req, res, 'assets')) return;
      const auth = /^Bearer (\S{1,200})$/.exec(req.headers.authorization ?? '');
      const holder = auth?.[1] ? await signIn.verify({ apiKey: auth[1] }) : null;
      if (!holder) return failed(req, res, 'assets');
      const body = assetBody.safeParse(req.body);
      if (!body.success) return badRequest(res, body.error);
      const asset = await assets.register(holder, body.data);
      res
        .status(201)
        .json({ id: asset.id, kind: asset.kind, name: asset.name, ownerId: asset.ownerId, transferable: asset.transferable });
    }),
  );

  // Malformed JSON: express.json's error, answered as a 400 naming the body.
  router.use('/api/v1', (error: unknown, _req: Request, res: Response, next: (err?: unknown) => void) => {
    if ((error as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: 'bad_request', field: 'body', message: 'The body must be valid JSON.' });
      return;
    }
    next(error);
  });
  return router;
}
