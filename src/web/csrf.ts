/**
 * CSRF protection for Roster's forms, without server state (so any replica can check it): a
 * random value in a SameSite=Strict cookie, and in the form its HMAC bound to the page's path.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { sameSecret } from '../domain/secrets';

export const CSRF_COOKIE = 'roster_csrf';
export const CSRF_FIELD = 'csrf';

function cookieValue(req: Request): string | undefined {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) return rest.join('=');
  }
  return undefined;
}

export function createCsrf(secret: string) {
  const sign = (value: string, path: string) => createHmac('sha256', secret).update(`${value}|${path}`).digest('base64url');
  return {
    /** Sets (or keeps) the cookie and returns the form's token for this path. */
    issue(req: Request, res: Response): string {
      let value = cookieValue(req);
      if (!value || !/^[A-Za-z0-9_-]{20,64}$/.test(value)) {
        value = randomBytes(24).toString('base64url');
        res.cookie(CSRF_COOKIE, value, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
      }
      return sign(value, req.baseUrl + req.path);
    },
    /** Whether the submitted form token matches the cookie for this path. */
    verify(req: Request): boolean {
      const value = cookieValue(req);
      const submitted = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      return !!value && typeof submitted === 'string' && sameSecret(submitted, sign(value, req.baseUrl + req.path));
    },
  };
}

export type Csrf = ReturnType<typeof createCsrf>;
