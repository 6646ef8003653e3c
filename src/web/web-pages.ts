/**
 * The invite and password pages: GET shows the form (or says why the link cannot be used),
 * POST checks CSRF, validates with zod, and calls the sign-in service. Nothing secret is echoed.
 */
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SignInService } from '../domain/credentials/sign-in-service';
import { PASSWORD_MIN } from '../domain/credentials/sign-in-service';
import { isRosterError } from '../errors';
import type { Csrf } from './csrf';
import { CSRF_FIELD } from './csrf';
import { CONTENT_SECURITY_POLICY, html, page } from './html';

const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/);
const inviteForm = z.object({
  name: z.string().max(100).default(''),
  method: z.enum(['password', 'google']).default('password'),
  password: z.string().max(1000).default(''),
});
const passwordForm = z.object({ password: z.string().max(1000).default(''), confirm: z.string().max(1000).default('') });

function send(res: Response, status: number, title: string, body: ReturnType<typeof html>) {
  res.status(status).type('html').send(page(title, body));
}

function notice(res: Response, status: number, title: string, message: string) {
  send(res, status, title, html`<h1>${title}</h1><p>${message}</p>`);
}

/** Security headers on every page: no framing, no caching, no referrer, a strict CSP. */
export function pageHeaders(_req: Request, res: Response, next: NextFunction) {
  res.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  });
  next();
}

export function webPages(deps: { signIn: SignInService; csrf: Csrf; logger: Logger }): Router {
  const { signIn, csrf, logger } = deps;
  const router = Router();
  router.use(['/invite', '/password'], pageHeaders, express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 }));

  /** Runs a page handler; a RosterError becomes a page that says what happened, anything else a plain apology. */
  const handle = (fn: (req: Request, res: Response, token: string) => Promise<void>) => async (req: Request, res: Response) => {
    const token = tokenSchema.safeParse(req.params.token);
    if (!token.success) return notice(res, 404, 'Link not valid', 'This link is not valid. Ask an admin for a new one.');
    try {
      await fn(req, res, token.data);
    } catch (error) {
      if (isRosterError(error)) return notice(res, error.code === 'not_found' ? 404 : 410, 'Link cannot be used', error.message);
      logger.error({ err: error }, 'web page failed');
      notice(res, 500, 'Something went wrong', 'Something went wrong on our side. Try again in a minute.');
    }
  };

  function inviteFormPage(
    req: Request,
    res: Response,
    who: { email: string; name: string | null },
    error?: string,
    status = 200,
  ) {
    const token = csrf.issue(req, res);
    send(
      res,
      status,
      'Accept your invite',
      html`<h1>Welcome</h1>
<p>You were invited as <strong>${who.email}</strong>. Choose how you will sign in.</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" autocomplete="off">
<input type="hidden" name="${CSRF_FIELD}" value="${token}">
<label for="name">Your name</label><input type="text" id="name" name="name" maxlength="100" required value="${who.name ?? ''}">
<fieldset><label><input type="radio" name="method" value="password" checked> A password</label>
<label for="password">Password (at least ${PASSWORD_MIN} characters)</label><input type="password" id="password" name="password" minlength="${PASSWORD_MIN}" autocomplete="new-password">
<label><input type="radio" name="method" value="google"> Sign in with Google instead</label></fieldset>
<button type="submit">Accept invite</button></form>`,
    );
  }

  router.get(
    '/invite/:token',
    handle(async (req, res, token) => inviteFormPage(req, res, await signIn.inspectInvite(token))),
  );

  router.post(
    '/invite/:token',
    handle(async (req, res, token) => {
      if (!csrf.verify(req)) return notice(res, 403, 'Form expired', 'This form has expired. Open your invite link again.');
      const form = inviteForm.safeParse(req.body);
      const who = await signIn.inspectInvite(token);
      if (!form.success) return inviteFormPage(req, res, who, 'Fill in your name and a password.', 400);
      try {
        await signIn.acceptInvite(token, {
          name: form.data.name,
          password: form.data.password,
          google: form.data.method === 'google',
        });
      } catch (error) {
        if (isRosterError(error) && error.code === 'bad_input')
          return inviteFormPage(req, res, { ...who, name: form.data.name }, error.message, 400);
        throw error;
      }
      notice(
        res,
        200,
        'You are in',
        form.data.method === 'google'
          ? 'Your account is active. Sign in with Google from now on.'
          : 'Your account is active. You can sign in with your e-mail and password.',
      );
    }),
  );

  function passwordFormPage(req: Request, res: Response, email: string, error?: string, status = 200) {
    const token = csrf.issue(req, res);
    send(
      res,
      status,
      'Set your password',
      html`<h1>Set your password</h1><p>For <strong>${email}</strong>.</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" autocomplete="off"><input type="hidden" name="${CSRF_FIELD}" value="${token}">
<label for="password">New password (at least ${PASSWORD_MIN} characters)</label><input type="password" id="password" name="password" minlength="${PASSWORD_MIN}" required autocomplete="new-password">
<label for="confirm">Repeat it</label><input type="password" id="confirm" name="confirm" required autocomplete="new-password">
<button type="submit">Save password</button></form>`,
    );
  }

  router.get(
    '/password/:token',
    handle(async (req, res, token) => passwordFormPage(req, res, (await signIn.inspectPasswordLink(token)).email)),
  );

  router.post(
    '/password/:token',
    handle(async (req, res, token) => {
      if (!csrf.verify(req)) return notice(res, 403, 'Form expired', 'This form has expired. Open your password link again.');
      const { email } = await signIn.inspectPasswordLink(token);
      const form = passwordForm.safeParse(req.body);
      if (!form.success || form.data.password !== form.data.confirm)
        return passwordFormPage(req, res, email, 'The two passwords differ.', 400);
      try {
        await signIn.setPassword(token, form.data.password);
      } catch (error) {
        if (isRosterError(error) && error.code === 'bad_input') return passwordFormPage(req, res, email, error.message, 400);
        throw error;
      }
      notice(res, 200, 'Password saved', 'Your new password is saved. You can sign in with it now.');
    }),
  );
  return router;
}
