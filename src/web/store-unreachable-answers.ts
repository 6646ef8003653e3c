/**
 * HTTP answers while the store cannot be reached: 503 with Retry-After, in the shape the caller reads
 * (JSON for the API, SCIM's error schema for SCIM, a short page otherwise), logged as a warning.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { errorBody, ScimError } from '../scim/scim-errors';
import { send as sendScim } from '../scim/scim-http';
import { asStoreUnreachable, STORE_RETRY_AFTER_SECONDS } from '../store/store-unreachable';
import { CONTENT_SECURITY_POLICY } from './html';
import { notice } from './page-parts';

/** Answers `error` as the API's 503 if it says the store cannot be reached; false (nothing sent) otherwise. */
export function answeredUnreachable(error: unknown, res: Response, logger: Logger): boolean {
  const unreachable = asStoreUnreachable(error);
  if (!unreachable) return false;
  logger.warn({ err: error }, 'the store cannot be reached; answered 503');
  res.set({ 'Retry-After': String(STORE_RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' });
  res.status(503).json({ error: unreachable.code, message: unreachable.message });
  return true;
}

/**
 * The web app's error handler for a store that cannot be reached before any router took the request
 * (finding the account a token, key or link belongs to); anything else goes on to the last resort.
 */
export function storeUnreachableErrors(logger: Logger) {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    const unreachable = res.headersSent ? undefined : asStoreUnreachable(error);
    if (!unreachable) return next(error);
    if (req.path.startsWith('/api/')) return void answeredUnreachable(error, res, logger);
    logger.warn({ err: error }, 'the store cannot be reached; answered 503');
    res.set({ 'Retry-After': String(STORE_RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' });
    if (req.path.startsWith('/scim/')) {
      return sendScim(res, 503, errorBody(new ScimError(503, unreachable.message)));
    }
    res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    notice(res, 503, 'Try again in a minute', unreachable.message);
  };
}
