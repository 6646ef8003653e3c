/**
 * The invite and password pages: GET shows the form (or says why the link cannot be used),
 * POST checks CSRF, validates with zod, and calls the sign-in service. Nothing secret is echoed.
 */
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CredentialHandoff } from '../domain/credentials/credential-handoff';
import { PASSWORD_MIN } from '../domain/credentials/password-policy';
import type { PasswordReset } from '../domain/credentials/password-reset';
import type { InviteDetails, SignInService } from '../domain/credentials/sign-in-service';
import { formatWhen } from '../domain/format-when';
import { isRosterError } from '../errors';
import { clientAddress } from './api-routes';
import type { Csrf } from './csrf';
import { CSRF_FIELD } from './csrf';
import { CONTENT_SECURITY_POLICY, type Html, html, page } from './html';
import type { RateLimit } from './rate-limit';

/**
 * Requests for a password link an hour: per address and client (known or not, so a limit says nothing;
 * per client too, so a stranger asking for someone's address cannot use up its owner's), and per client.
 */
export const FORGOT_PER_ADDRESS_PER_HOUR = 3;
export const FORGOT_PER_CLIENT_PER_HOUR = 10;
export const FORGOT_PATH = '/password/forgot';

const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/);
const inviteForm = z.object({
  name: z.string().max(100).default(''),
  method: z.enum(['password', 'google']).default('password'),
  password: z.string().max(1000).default(''),
});
const forgotForm = z.object({ email: z.string().trim().toLowerCase().max(254).pipe(z.email()) });
const passwordForm = z.object({ password: z.string().max(1000).default(''), confirm: z.string().max(1000).default('') });

/** A message for the form and the field it is about, if any. */
interface FormProblem {
  message: string;
  field?: string;
}

type PasswordLinkDetails = Awaited<ReturnType<SignInService['inspectPasswordLink']>>;

function send(res: Response, status: number, title: string, body: ReturnType<typeof html>) {
  res.status(status).type('html').send(page(title, body));
}

function notice(res: Response, status: number, title: string, message: string, next?: string | Html) {
  send(res, status, title, html`<h1>${title}</h1><p>${message}</p>${next ? html`<p>${next}</p>` : ''}`);
}

/** A form error, placed just before the field at fault and announced by screen readers as the page loads. */
function fieldError(message: string) {
  return html`<p class="error" id="form-error" role="alert">${message}</p>`;
}

/** A field's description (its hint, and the error when it is at fault); the field at fault also gets the cursor. */
function described(fault: boolean, hint?: string) {
  const ids = [hint, fault ? 'form-error' : undefined].filter(Boolean).join(' ');
  return html`${ids ? html` aria-describedby="${ids}"` : ''}${fault ? html` aria-invalid="true" autofocus` : ''}`;
}

/** "in 47 hours", "in 3 days": how long an invitee has left. */
function timeLeft(hours: number): string {
  if (hours < 1) return 'in less than an hour';
  if (hours < 48) return `in ${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  return `in ${Math.floor(hours / 24)} days`;
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

/** The way to a new password link without an admin, under a password link that cannot be used. */
const askForLink = html`<a href="${FORGOT_PATH}">Ask for a new password link</a> with your e-mail address.`;

export function webPages(deps: {
  signIn: SignInService;
  passwordReset: PasswordReset;
  handoff: CredentialHandoff;
  rateLimit: RateLimit;
  csrf: Csrf;
  logger: Logger;
}): Router {
  const { signIn, passwordReset, handoff, rateLimit, csrf, logger } = deps;
  const router = Router();
  router.use(
    ['/invite', '/password', '/reveal'],
    pageHeaders,
    express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 }),
  );

  /** Runs a page handler; a RosterError becomes a page that says what happened, anything else a plain apology. */
  const handle =
    (kind: 'Invite' | 'Password' | 'Credential', fn: (req: Request, res: Response, token: string) => Promise<void>) =>
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
        logger.error({ err: error }, 'web page failed');
        notice(res, 500, 'Something went wrong', 'Something went wrong on our side. Try again in a minute.');
      }
    };

  function inviteFormPage(req: Request, res: Response, invite: InviteDetails, problem?: FormProblem, status = 200) {
    const token = csrf.issue(req, res);
    const at = (field?: string) => (problem && problem.field === field ? fieldError(problem.message) : '');
    const from = invite.invitedBy;
    const inviter = from ? (from.name ? `${from.name} (${from.email})` : from.email) : 'An admin';
    send(
      res,
      status,
      `Join ${invite.accountName}`,
      html`<h1>Join ${invite.accountName}</h1>
<p>${inviter} invited <strong>${invite.email}</strong> to ${invite.accountName}.</p>
<dl>
<dt>${invite.roles.length > 1 ? 'Your roles' : 'Your role'}</dt>
${invite.roles.map((role) => html`<dd><strong>${role.name}</strong>${role.description ? html` · ${role.description}` : ''}</dd>`)}
<dt>This link expires</dt><dd><time datetime="${invite.expiresAt.toISOString()}">${formatWhen(invite.expiresAt)}</time> (${timeLeft(invite.hoursLeft)})</dd>
</dl>
${invite.note ? html`<figure class="note"><figcaption>Note from ${from?.name ?? from?.email ?? 'the admin'}</figcaption><blockquote>${invite.note}</blockquote></figure>` : ''}
<form method="post">
<input type="hidden" name="${CSRF_FIELD}" value="${token}">
${problem && problem.field !== 'name' && problem.field !== 'password' ? fieldError(problem.message) : ''}
<label for="name">Your name</label>
${at('name')}<input type="text" id="name" name="name" maxlength="100" required autocomplete="name" value="${invite.name ?? ''}"${described(problem?.field === 'name')}>
<h2>Sign in with a password</h2>
<label for="password">Choose a password</label>
<p class="hint" id="password-hint">At least ${PASSWORD_MIN} characters.</p>
${at('password')}<input type="password" id="password" name="password" minlength="${PASSWORD_MIN}" required autocomplete="new-password"${described(problem?.field === 'password', 'password-hint')}>
<button type="submit" name="method" value="password">Accept and set password</button>
<h2>Or sign in with Google</h2>
<p class="hint" id="google-hint">You set no password here. From now on you sign in to ${invite.accountName} with Google, using the Google account for ${invite.email}.</p>
<button type="submit" name="method" value="google" class="secondary" formnovalidate aria-describedby="google-hint">Accept and use Google</button>
</form>`,
    );
  }

  router.get(
    '/invite/:token',
    handle('Invite', async (req, res, token) => inviteFormPage(req, res, await signIn.inspectInvite(token))),
  );

  router.post(
    '/invite/:token',
    handle('Invite', async (req, res, token) => {
      if (!csrf.verify(req)) return notice(res, 403, 'Form expired', 'This form has expired. Open your invite link again.');
      const form = inviteForm.safeParse(req.body);
      const who = await signIn.inspectInvite(token);
      if (!form.success) return inviteFormPage(req, res, who, { message: 'Fill in your name and a password.' }, 400);
      try {
        await signIn.acceptInvite(
          token,
          { name: form.data.name, password: form.data.password, google: form.data.method === 'google' },
          clientAddress(req),
        );
      } catch (error) {
        if (isRosterError(error) && error.code === 'bad_input')
          return inviteFormPage(req, res, { ...who, name: form.data.name }, { message: error.message, field: error.field }, 400);
        throw error;
      }
      notice(
        res,
        200,
        'You are in',
        `Your ${who.accountName} account is active.`,
        form.data.method === 'google'
          ? `Sign in with Google from now on, using the Google account for ${who.email}.`
          : `Sign in with ${who.email} and the password you chose.`,
      );
    }),
  );

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
      notice(
        res,
        200,
        'Password saved',
        `Your new password for ${link.accountName} is saved.`,
        `Sign in with ${link.email} and the new password.`,
      );
    }),
  );
  router.get(
    '/reveal/:token',
    handle('Credential', async (req, res, token) => {
      const link = await handoff.inspect(token);
      send(
        res,
        200,
        `Your new ${link.name}`,
        html`<h1>Your new ${link.name}</h1>
<p>For <strong>${link.email}</strong> on ${link.accountName}.</p>
<p>It is shown once, on the next page; after that this link no longer works. Have somewhere safe to keep it, like a password manager.</p>
<form method="post"><input type="hidden" name="${CSRF_FIELD}" value="${csrf.issue(req, res)}">
<button type="submit">Show my ${link.name}</button></form>
<p class="hint">This link works until <time datetime="${link.expiresAt.toISOString()}">${formatWhen(link.expiresAt)}</time>.</p>`,
      );
    }),
  );

  router.post(
    '/reveal/:token',
    handle('Credential', async (req, res, token) => {
      if (!csrf.verify(req))
        return notice(res, 403, 'Form expired', 'This form has expired. Open the link from your e-mail again.');
      const shown = await handoff.reveal(token, clientAddress(req));
      send(
        res,
        200,
        `Your new ${shown.name}`,
        html`<h1>Your new ${shown.name}</h1>
<p>For <strong>${shown.email}</strong>. Copy it now: it is not shown again, and this link no longer works.</p>
<p><code id="secret">${shown.secret}</code></p>`,
      );
    }),
  );
  return router;
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
