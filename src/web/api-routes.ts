/**
 * The managed product's API: verify an API key or passcode, sign in with a password, register
 * assets. Bodies are validated by zod (400 naming the field). Credentials are checked first and only
 * failures are rate-limited, per client and account: the product calls from a few shared addresses,
 * so one noisy caller must not fail everyone's good credentials.
 */

import express, { type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AssetService } from '../domain/assets/asset-service';
import type { SignInService, VerifiedHolder } from '../domain/credentials/sign-in-service';
import { HANDOFF_CODE_TTL_SECONDS, type ProductHandoff } from '../domain/handoff/product-handoff';
import { isRosterError } from '../errors';
import { bearerHolder } from './api-key-auth';
import { httpStatusOf } from './http-status';
import type { RateLimit } from './rate-limit';
import { answeredUnreachable } from './store-unreachable-answers';

/** Failed attempts one client may make against one account in a minute before it gets 429. */
export const FAILURES_PER_MINUTE = 10;
export const REQUESTS_PER_MINUTE_PER_KEY = 600;

const verifyBody = z.union([
  z.strictObject({ apiKey: z.string().min(1).max(200) }),
  // With `email`, the passcode must be that user's and failures count against the address (like logins).
  z.strictObject({
    passcode: z.string().min(1).max(200),
    email: z.string().max(254).optional(),
    // With many accounts, which one a wrong passcode with this e-mail counts against.
    account: z.string().min(1).max(100).optional(),
  }),
]);
const loginBody = z.strictObject({
  email: z.string().max(254),
  password: z.string().max(1000),
  // Which account: its identifier (shown in App Home) or Slack team ID; one address may live in several.
  account: z.string().min(1).max(100).optional(),
});
// The one-time code the invite or password page sent to PRODUCT_URL.
const exchangeBody = z.strictObject({ code: z.string().min(1).max(200) });
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
      ? 'Send exactly one of "apiKey" or "passcode" as a string (a passcode may come with its holder\'s "email").'
      : issue?.code === 'unrecognized_keys'
        ? `Unexpected field(s): ${issue.keys.join(', ')}.`
        : `"${field}" is invalid: ${issue?.message ?? 'expected a JSON body'}.`;
  res.status(400).json({ error: 'bad_request', field, message });
}

/** The client a failure counts against: its address, as TRUST_PROXY (Express's `trust proxy`) decides. */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

function notFound(res: Response) {
  res.status(404).json({ error: 'not_found', message: 'There is no such API route.' });
}

/** 429 with Retry-After, as every API route refuses past a rate limit. */
export function tooMany(res: Response, seconds: number, message: string) {
  res.set('Retry-After', String(seconds)).status(429).json({ error: 'rate_limited', message });
}

export function apiRoutes(deps: {
  signIn: SignInService;
  assets: AssetService;
  rateLimit: RateLimit;
  logger: Logger;
  /** Many accounts: a sign-in must say which (the account it named was resolved before this router). */
  accountRequired?: boolean;
  /** Answers POST /api/v1/auth/exchange: a hand-off code for the user and roles (product-handoff.ts). */
  productHandoff?: ProductHandoff;
}): Router {
  const { signIn, assets, rateLimit, logger } = deps;
  const router = Router();
  router.use('/api/v1', express.json({ limit: '16kb' }), (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  /**
   * Answers a failed attempt, counted after the credential was checked, so a correct one never meets the
   * budget: 401 while this client has failures left against this account (the account that holds nothing
   * when the request named none, which keeps that budget per client), else 429. Checked and counted in
   * one atomic step, so parallel failures cannot race past the limit.
   */
  async function refuse(req: Request, res: Response, scope: string): Promise<void> {
    const key = `fail:${scope}:${signIn.accountId}:${clientAddress(req)}`;
    const wait = await rateLimit.reserve(key, FAILURES_PER_MINUTE, 60);
    if (wait > 0) return tooMany(res, wait, 'Too many failed attempts; try again in a minute.');
    res.status(401).json({ error: 'unauthorized', message: 'The credential is not valid.' });
  }

  function locked(res: Response, seconds: number) {
    tooMany(res, seconds, 'Too many failed sign-in attempts for this account; try again later.');
  }

  const safely = (fn: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    try {
      await fn(req, res);
    } catch (error) {
      if (isRosterError(error)) {
        res.status(httpStatusOf(error.code)).json({ error: error.code, field: error.field, message: error.message });
        return;
      }
      if (answeredUnreachable(error, res, logger)) return;
      logger.error({ err: error }, 'api request failed');
      res.status(500).json({ error: 'internal', message: 'Something went wrong; try again.' });
    }
  };

  router.post(
    '/api/v1/auth/verify',
    safely(async (req, res) => {
      const body = verifyBody.safeParse(req.body);
      if (!body.success) return badRequest(res, body.error);
      const credential = body.data;
      let holder: VerifiedHolder | null;
      if ('passcode' in credential && credential.email !== undefined) {
        const result = await signIn.verifyPasscodeFor(credential.email, credential.passcode, clientAddress(req));
        if (!result.ok && result.locked) return locked(res, result.locked);
        holder = result.ok ? result.holder : null;
      } else {
        holder = await signIn.verify('apiKey' in credential ? { apiKey: credential.apiKey } : { passcode: credential.passcode });
      }
      if (!holder) return refuse(req, res, 'verify');
      const kind = 'apiKey' in credential ? 'apikey' : 'passcode';
      const wait = await rateLimit.hit(`use:${kind}:${holder.user.id}`, REQUESTS_PER_MINUTE_PER_KEY, 60);
      if (wait > 0) return tooMany(res, wait, 'Too many requests with this credential.');
      res.json(holder);
    }),
  );

  router.post(
    '/api/v1/login',
    safely(async (req, res) => {
      const body = loginBody.safeParse(req.body);
      if (!body.success) return badRequest(res, body.error);
      if (deps.accountRequired && !body.data.account) {
        res.status(400).json({
          error: 'bad_request',
          field: 'account',
          message: '"account" is required: the account identifier shown in Roster\'s App Home in Slack, or the Slack team ID.',
        });
        return;
      }
      // The account's own lockout refuses even the right password; this client's failure budget does not
      // (the product signs everyone in from a few addresses), it only turns a wrong one's 401 into 429.
      const result = await signIn.login(body.data.email, body.data.password, clientAddress(req));
      if (!result.ok) return result.locked ? locked(res, result.locked) : refuse(req, res, 'login');
      res.json(result.holder);
    }),
  );

  router.post(
    '/api/v1/auth/exchange',
    safely(async (req, res) => {
      const { productHandoff } = deps;
      if (!productHandoff) return notFound(res);
      // The product's own API key first, as for /api/v1/assets: nobody else may learn who a code was for.
      if (!(await bearerHolder(signIn, req))) return refuse(req, res, 'exchange');
      const body = exchangeBody.safeParse(req.body);
      if (!body.success) return badRequest(res, body.error);
      const holder = await productHandoff.exchange(body.data.code);
      if (holder) {
        res.json(holder);
        return;
      }
      const wait = await rateLimit.reserve(`fail:exchange:${signIn.accountId}:${clientAddress(req)}`, FAILURES_PER_MINUTE, 60);
      if (wait > 0) return tooMany(res, wait, 'Too many failed attempts; try again in a minute.');
      res.status(400).json({
        error: 'invalid_code',
        field: 'code',
        message: `The code is unknown, used or expired: a code works once, within ${HANDOFF_CODE_TTL_SECONDS} seconds. Send the user to sign in again.`,
      });
    }),
  );

  router.post(
    '/api/v1/assets',
    safely(async (req, res) => {
      const holder = await bearerHolder(signIn, req);
      if (!holder) return refuse(req, res, 'assets');
      const body = assetBody.safeParse(req.body);
      if (!body.success) return badRequest(res, body.error);
      const asset = await assets.register(holder, body.data, clientAddress(req));
      res
        .status(201)
        .json({ id: asset.id, kind: asset.kind, name: asset.name, ownerId: asset.ownerId, transferable: asset.transferable });
    }),
  );

  router.use('/api/v1', (_req: Request, res: Response) => notFound(res));
  router.use('/api/v1', apiErrors(logger));
  return router;
}

// Body parser errors (bad JSON, too large, unsupported charset) and anything unexpected: JSON that
// names the problem, never Express's default page with a stack trace.
export function apiErrors(logger: Logger) {
  return (error: unknown, _req: Request, res: Response, _next: (err?: unknown) => void) => {
    res.set('Cache-Control', 'no-store');
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      res.status(400).json({ error: 'bad_request', field: 'body', message: 'The body must be valid JSON.' });
      return;
    }
    if (type === 'entity.too.large') {
      res.status(413).json({ error: 'too_large', field: 'body', message: 'The body is too large (at most 16 kB).' });
      return;
    }
    if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
      res.status(415).json({ error: 'unsupported_media_type', field: 'content-type', message: 'Send the body as UTF-8 JSON.' });
      return;
    }
    const status = (error as { status?: number }).status;
    if (status && status >= 400 && status < 500) {
      res.status(status).json({ error: 'bad_request', field: 'body', message: 'The request could not be read.' });
      return;
    }
    if (answeredUnreachable(error, res, logger)) return;
    logger.error({ err: error }, 'api request failed');
    res.status(500).json({ error: 'internal', message: 'Something went wrong; try again.' });
  };
}
