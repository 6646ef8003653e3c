/**
 * The invite, password, forgot-password and reveal pages on one router: GET shows the form (or says
 * why the link cannot be used), POST checks CSRF, validates with zod, and calls the service. Nothing
 * secret is echoed. Each page lives in its own module; this one mounts them in order.
 */
import express, { Router } from 'express';
import type { Logger } from 'pino';
import type { CredentialHandoff } from '../domain/credentials/credential-handoff';
import type { PasswordReset } from '../domain/credentials/password-reset';
import type { SignInService } from '../domain/credentials/sign-in-service';
import { handOffOrStay, type ProductHandoff } from '../domain/handoff/product-handoff';
import type { Csrf } from './csrf';
import { addForgotPasswordPage } from './forgot-password-page';
import { addInvitePage } from './invite-page';
import { pageHandler } from './page-errors';
import { pageHeaders } from './page-parts';
import { addPasswordPage } from './password-page';
import type { RateLimit } from './rate-limit';
import { addRevealPage } from './reveal-page';

export { FORGOT_PATH, FORGOT_PER_ADDRESS_PER_HOUR, FORGOT_PER_CLIENT_PER_HOUR } from './forgot-password-page';
export { lastResortErrors } from './page-errors';
export { pageHeaders } from './page-parts';

/** The pages' router, over the services they call; with `productHandoff`, the invite and password pages end at the product. */
export function webPages(deps: {
  signIn: SignInService;
  passwordReset: PasswordReset;
  handoff: CredentialHandoff;
  rateLimit: RateLimit;
  csrf: Csrf;
  logger: Logger;
  productHandoff?: ProductHandoff;
}): Router {
  const { signIn, passwordReset, handoff, rateLimit, csrf, logger } = deps;
  const handOff = handOffOrStay(deps.productHandoff, (err) => logger.error({ err }, 'could not hand the user to the product'));
  const router = Router();
  router.use(
    ['/invite', '/password', '/reveal'],
    pageHeaders,
    express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 }),
  );
  const handle = pageHandler(logger);
  addInvitePage(router, { signIn, csrf, handle, handOff });
  // Before the password page: `/password/forgot` would otherwise match `/password/:token`.
  addForgotPasswordPage(router, { passwordReset, rateLimit, csrf, logger });
  addPasswordPage(router, { signIn, csrf, handle, handOff });
  addRevealPage(router, { handoff, csrf, handle });
  return router;
}
