/** The password page: GET shows the form for a password link; POST sets the new password. */
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { PASSWORD_MIN } from '../domain/credentials/password-policy';
import type { SignInService } from '../domain/credentials/sign-in-service';
import type { HandOff } from '../domain/handoff/product-handoff';
import { isRosterError } from '../errors';
import { clientAddress } from './api-routes';
import type { Csrf } from './csrf';
import { CSRF_FIELD } from './csrf';
import { html } from './html';
import type { PageHandler } from './page-errors';
import { described, type FormProblem, fieldError, notice, send } from './page-parts';

const passwordForm = z.object({ password: z.string().max(1000).default(''), confirm: z.string().max(1000).default('') });

type PasswordLinkDetails = Awaited<ReturnType<SignInService['inspectPasswordLink']>>;

/** Adds `/password/:token` (GET and POST) to the pages' router; `handOff` as for the invite page. */
export function addPasswordPage(
  router: Router,
  deps: { signIn: SignInService; csrf: Csrf; handle: PageHandler; handOff: HandOff },
) {
  const { signIn, csrf, handle, handOff } = deps;

  function passwordFormPage(req: Request, res: Response, link: PasswordLinkDetails, problem?: FormProblem, status = 200) {
    const token = csrf.issue(req, res);
    const at = (field: string) => (problem?.field === field ? fieldError(problem.message) : '');
    send(
      res,
      status,
      `Set your password for ${link.accountName}`,
      html`<h1>Set your password</h1>
<p>For <strong>${link.email}</strong> on ${link.accountName}.</p>
<form method="post"><input type="hidden" name="${CSRF_FIELD}" value="${token}">
${problem && problem.field !== 'password' && problem.field !== 'confirm' ? fieldError(problem.message) : ''}
<label for="password">New password</label>
<p class="hint" id="password-hint">At least ${PASSWORD_MIN} characters.</p>
${at('password')}<input type="password" id="password" name="password" minlength="${PASSWORD_MIN}" required autocomplete="new-password"${described(problem?.field === 'password', 'password-hint')}>
<label for="confirm">Repeat the new password</label>
${at('confirm')}<input type="password" id="confirm" name="confirm" required autocomplete="new-password"${described(problem?.field === 'confirm')}>
<button type="submit">Save password</button></form>`,
    );
  }

  router.get(
    '/password/:token',
    handle('Password', async (req, res, token) => passwordFormPage(req, res, await signIn.inspectPasswordLink(token))),
  );

  router.post(
    '/password/:token',
    handle('Password', async (req, res, token) => {
      if (!csrf.verify(req)) return notice(res, 403, 'Form expired', 'This form has expired. Open your password link again.');
      const link = await signIn.inspectPasswordLink(token);
      const form = passwordForm.safeParse(req.body);
      if (!form.success || form.data.password !== form.data.confirm)
        return passwordFormPage(
          req,
          res,
          link,
          { message: 'The two passwords differ. Type the same one twice.', field: 'confirm' },
          400,
        );
      try {
        await signIn.setPassword(token, form.data.password, clientAddress(req));
      } catch (error) {
        if (isRosterError(error) && error.code === 'bad_input')
          return passwordFormPage(req, res, link, { message: error.message, field: error.field }, 400);
        throw error;
      }
      const product = await handOff(link.email);
      if (product) return res.redirect(303, product);
      notice(
        res,
        200,
        'Password saved',
        `Your new password for ${link.accountName} is saved.`,
        `Sign in with ${link.email} and the new password.`,
      );
    }),
  );
}
