/**
 * The forgot-password page: anyone may ask for a password link for an address, within hourly limits,
 * and the answer never tells whether the address has an account.
 */
import type { Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { PasswordReset } from '../domain/credentials/password-reset';
import { clientAddress } from './api-routes';
import type { Csrf } from './csrf';
import { CSRF_FIELD } from './csrf';
import { html } from './html';
import { described, type FormProblem, fieldError, notice, send } from './page-parts';
import type { RateLimit } from './rate-limit';

/**
 * Requests for a password link an hour: per address and client (known or not, so a limit says nothing;
 * per client too, so a stranger asking for someone's address cannot use up its owner's), and per client.
 */
export const FORGOT_PER_ADDRESS_PER_HOUR = 3;
export const FORGOT_PER_CLIENT_PER_HOUR = 10;
export const FORGOT_PATH = '/password/forgot';

const forgotForm = z.object({ email: z.string().trim().toLowerCase().max(254).pipe(z.email()) });

/** The way to a new password link without an admin, under a password link that cannot be used. */
export const askForLink = html`<a href="${FORGOT_PATH}">Ask for a new password link</a> with your e-mail address.`;

/** Adds the forgot-password page (GET and POST) to the pages' router. */
export function addForgotPasswordPage(
  router: Router,
  deps: { passwordReset: PasswordReset; rateLimit: RateLimit; csrf: Csrf; logger: Logger },
) {
  const { passwordReset, rateLimit, csrf, logger } = deps;

  function forgotFormPage(req: Request, res: Response, problem?: FormProblem, email = '', status = 200) {
    const token = csrf.issue(req, res);
    send(
      res,
      status,
      'Forgot your password?',
      html`<h1>Forgot your password?</h1>
<p>Give the e-mail address you sign in with. We send a link to set a new password to that address.</p>
<form method="post" action="${FORGOT_PATH}"><input type="hidden" name="${CSRF_FIELD}" value="${token}">
<label for="email">E-mail address</label>
${problem ? fieldError(problem.message) : ''}<input type="email" id="email" name="email" maxlength="254" required autocomplete="email" value="${email}"${described(!!problem)}>
<button type="submit">Send me a link</button></form>`,
    );
  }

  /** Refuses a request over one of the hourly limits: 429 with Retry-After and how long to wait. */
  function tooMany(res: Response, seconds: number, who: string) {
    const minutes = Math.max(1, Math.ceil(seconds / 60));
    res.set('Retry-After', String(seconds));
    notice(
      res,
      429,
      'Too many requests',
      `Too many password links were asked for ${who} in the last hour.`,
      `Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask an admin.`,
    );
  }

  router.get(FORGOT_PATH, (req, res) => forgotFormPage(req, res));

  router.post(FORGOT_PATH, async (req, res) => {
    try {
      if (!csrf.verify(req)) return notice(res, 403, 'Form expired', 'This form has expired. Open the page again and resend it.');
      const form = forgotForm.safeParse(req.body);
      if (!form.success) {
        const typed = typeof req.body?.email === 'string' ? String(req.body.email).slice(0, 254) : '';
        return forgotFormPage(
          req,
          res,
          { message: 'Give a valid e-mail address, like name@example.com.', field: 'email' },
          typed,
          400,
        );
      }
      const { email } = form.data;
      const client = clientAddress(req);
      const clientWait = await rateLimit.hit(`forgot:client:${client}`, FORGOT_PER_CLIENT_PER_HOUR, 3600);
      if (clientWait > 0) return tooMany(res, clientWait, 'from your network');
      // A request never ends a live link and the address gets at most a few, so its mailbox needs no
      // limit of its own that a stranger could spend.
      const addressWait = await rateLimit.hit(`forgot:email:${client}:${email}`, FORGOT_PER_ADDRESS_PER_HOUR, 3600);
      if (addressWait > 0) return tooMany(res, addressWait, email);
      // Not awaited: the answer must not wait for the lookup or the e-mail, or its timing would tell
      // whether the address has an account.
      void passwordReset.request(email, client).catch((error: unknown) => logger.error({ err: error }, 'password reset failed'));
      notice(
        res,
        200,
        'Check your e-mail',
        `If ${email} belongs to an active account that signs in with a password, a link to set a new password is on its way to that address. It works once and expires in ${passwordReset.ttlHours} hour${passwordReset.ttlHours === 1 ? '' : 's'}.`,
        'Nothing after a few minutes? Check your spam folder, make sure you typed the address you sign in with, or ask an admin.',
      );
    } catch (error) {
      logger.error({ err: error }, 'web page failed');
      notice(res, 500, 'Something went wrong', 'Something went wrong on our side. Try again in a minute.');
    }
  });
}
