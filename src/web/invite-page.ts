/** The invite page: GET shows who invited whom and the form; POST accepts the invite with a password or Google. */
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { PASSWORD_MIN } from '../domain/credentials/password-policy';
import type { InviteDetails, SignInService } from '../domain/credentials/sign-in-service';
import { formatWhen } from '../domain/format-when';
import type { HandOff } from '../domain/handoff/product-handoff';
import { isRosterError } from '../errors';
import { clientAddress } from './api-routes';
import type { Csrf } from './csrf';
import { CSRF_FIELD } from './csrf';
import { html } from './html';
import type { PageHandler } from './page-errors';
import { described, type FormProblem, fieldError, notice, send } from './page-parts';

const inviteForm = z.object({
  name: z.string().max(100).default(''),
  method: z.enum(['password', 'google']).default('password'),
  password: z.string().max(1000).default(''),
});

/** "in 47 hours", "in 3 days": how long an invitee has left. */
function timeLeft(hours: number): string {
  if (hours < 1) return 'in less than an hour';
  if (hours < 48) return `in ${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  return `in ${Math.floor(hours / 24)} days`;
}

/**
 * Adds `/invite/:token` (GET and POST) to the pages' router. `handOff` gives where to send the new user's
 * browser next (PRODUCT_URL with a one-time code), or null to end on this page.
 */
export function addInvitePage(
  router: Router,
  deps: { signIn: SignInService; csrf: Csrf; handle: PageHandler; handOff: HandOff },
) {
  const { signIn, csrf, handle, handOff } = deps;

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
      const product = await handOff(who.email);
      if (product) return res.redirect(303, product);
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
}
