/** The credential reveal page: GET says what the link shows; POST shows the new API key or passcode once. */
import type { Router } from 'express';
import type { CredentialHandoff } from '../domain/credentials/credential-handoff';
import { formatWhen } from '../domain/format-when';
import { clientAddress } from './api-routes';
import type { Csrf } from './csrf';
import { CSRF_FIELD } from './csrf';
import { html } from './html';
import type { PageHandler } from './page-errors';
import { notice, send } from './page-parts';

/** Adds `/reveal/:token` (GET and POST) to the pages' router. */
export function addRevealPage(router: Router, deps: { handoff: CredentialHandoff; csrf: Csrf; handle: PageHandler }) {
  const { handoff, csrf, handle } = deps;

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
}
