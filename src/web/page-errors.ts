/**
 * How the web pages answer what went wrong: a link page's handler turns a bad token or a RosterError
 * into a page that says what happened, and the last-resort handler answers whatever else reaches it.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isRosterError } from '../errors';
import { asStoreUnreachable, STORE_RETRY_AFTER_SECONDS } from '../store/store-unreachable';
import { askForLink } from './forgot-password-page';
import { CONTENT_SECURITY_POLICY } from './html';
import { notice } from './page-parts';

const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/);

/** Wraps a link page's handler; `kind` names the link in what the page says. */
export type PageHandler = ReturnType<typeof pageHandler>;

/** Runs a page handler; a RosterError becomes a page that says what happened, anything else a plain apology. */
export function pageHandler(logger: Logger) {
  return (kind: 'Invite' | 'Password' | 'Credential', fn: (req: Request, res: Response, token: string) => Promise<void>) =>
    async (req: Request, res: Response) => {
      const token = tokenSchema.safeParse(req.params.token);
      const next = kind === 'Password' ? askForLink : undefined;
      if (!token.success)
        return notice(
          res,
          404,
          `${kind} link not valid`,
          `This ${kind.toLowerCase()} link is not valid. Check that you copied all of it, or ask an admin for a new one.`,
          next,
        );
      try {
        await fn(req, res, token.data);
      } catch (error) {
        if (isRosterError(error)) {
          const known = error.code !== 'not_found';
          return notice(res, known ? 410 : 404, `${kind} link ${known ? 'cannot be used' : 'not valid'}`, error.message, next);
        }
        const unreachable = asStoreUnreachable(error);
        if (unreachable) {
          logger.warn({ err: error }, 'the store cannot be reached; answered 503');
          res.set({ 'Retry-After': String(STORE_RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' });
          return notice(res, 503, 'Try again in a minute', unreachable.message);
        }
        logger.error({ err: error }, 'web page failed');
        notice(res, 500, 'Something went wrong', 'Something went wrong on our side. Try again in a minute.');
      }
    };
}

/**
 * The last error handler of the whole Express app: whatever reaches it (a form too large, a body that
 * cannot be read, a bug) is answered with a short page, or JSON under /api, and never with Express's
 * default page, which shows the stack trace unless NODE_ENV is production.
 */
export function lastResortErrors(logger: Logger) {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const status = (error as { status?: number }).status;
    const known = typeof status === 'number' && status >= 400 && status < 500;
    if (!known) logger.error({ err: error }, 'web request failed');
    const code = known ? status : 500;
    res.set({ 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'Cache-Control': 'no-store' });
    if (req.path.startsWith('/api/')) {
      res.status(code).json({
        error: known ? 'bad_request' : 'internal',
        message: known ? 'The request could not be read.' : 'Something went wrong; try again.',
      });
      return;
    }
    const message =
      code === 413
        ? 'What you sent is too large. Go back and shorten it.'
        : known
          ? 'The request could not be read. Go back and try again.'
          : 'Something went wrong on our side. Try again in a minute.';
    notice(res, code, code === 500 ? 'Something went wrong' : 'Request not accepted', message);
  };
}
