/**
 * What the API's routes that take an API key share: the key's holder (failures counted per client and
 * account, as the rest of the API counts them) and one way of answering an error.
 */
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { SignInService } from '../domain/credentials/sign-in-service';
import type { VerifiedHolder } from '../domain/credentials/verified-holder';
import { isRosterError } from '../errors';
import { clientAddress, FAILURES_PER_MINUTE, tooMany } from './api-routes';
import { httpStatusOf } from './http-status';
import type { RateLimit } from './rate-limit';

/** The holder of the API key in `Authorization: Bearer …`, if it is a valid one of this account. */
export async function bearerHolder(signIn: SignInService, req: Request): Promise<VerifiedHolder | null> {
  const auth = /^Bearer (\S{1,200})$/.exec(req.headers.authorization ?? '');
  return auth?.[1] ? signIn.verify({ apiKey: auth[1] }) : null;
}

/**
 * The request's API key holder; null once it has answered 401, or 429 when this client's failures on
 * `surface` in this account ran over (failures only are counted).
 */
export async function apiKeyHolder(
  req: Request,
  res: Response,
  deps: { signIn: SignInService; rateLimit: RateLimit },
  surface: string,
): Promise<VerifiedHolder | null> {
  const holder = await bearerHolder(deps.signIn, req);
  if (holder) return holder;
  const wait = await deps.rateLimit.reserve(
    `fail:${surface}:${deps.signIn.accountId}:${clientAddress(req)}`,
    FAILURES_PER_MINUTE,
    60,
  );
  if (wait > 0) tooMany(res, wait, 'Too many failed attempts; try again in a minute.');
  else res.status(401).json({ error: 'unauthorized', message: 'Send an API key as "Authorization: Bearer <key>".' });
  return null;
}

/** A route answering with `answer`: a refusal with its status, anything else 500 (logged); nothing once the answer began. */
export function answering(logger: Logger, answer: (req: Request, res: Response) => Promise<void>) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      await answer(req, res);
    } catch (error) {
      if (res.headersSent) return;
      if (isRosterError(error)) {
        res.status(httpStatusOf(error.code)).json({ error: error.code, field: error.field, message: error.message });
        return;
      }
      logger.error({ err: error }, 'api request failed');
      res.status(500).json({ error: 'internal', message: 'Something went wrong; try again.' });
    }
  };
}
