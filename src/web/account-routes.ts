/**
 * The web pages, the API and SCIM for many accounts: each request is routed to the routers of the one
 * account it names, and never to another's. An invite, password or reveal link names its account
 * through its token; an API key, a passcode and a SCIM token through themselves; a password sign-in
 * through the `account` it gives (its identifier or Slack team ID), since one address may live in
 * several accounts. A request that names no account is answered by routers over an account that
 * holds nothing, so it fails exactly as a wrong credential does: same answer, same time, same limits.
 */
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { accountNamed } from '../domain/account/account-identifier';
import { hashToken } from '../domain/secrets';
import {
  accountOfApiKey,
  accountOfPasscode,
  accountOfPasswordLink,
  accountOfReveal,
} from '../store/credentials/credential-reads';
import { accountOfInvite } from '../store/invites/invite-reads';
import { findScimTokenByHash } from '../store/sign-in/scim-token-reads';
import type { Store } from '../store/tx';
import { apiErrors } from './api-routes';
import { REVIEW_REPORT_PATH } from './review-routes';

/** One account's routers (or the routers of the account that holds nothing). */
export interface AccountRouters {
  pages: Router;
  api: Router;
  scim: Router;
}

export function accountRoutes(deps: {
  prisma: Store;
  routersOf: (accountId: string) => Promise<AccountRouters | null>;
  nowhere: AccountRouters;
  /** The forgot-password pages, which look the address up in every account. */
  forgot: Router;
  /** Single-workspace mode: the account a sign-in without `account` goes to. */
  defaultAccountId?: string;
  logger: Logger;
}): Router {
  const { prisma } = deps;
  const router = Router();

  async function routersFor(accountId: string | null | undefined): Promise<AccountRouters> {
    return (accountId ? await deps.routersOf(accountId) : null) ?? deps.nowhere;
  }

  const dispatch =
    (pick: (routers: AccountRouters) => Router, accountOf: (req: Request) => Promise<string | null | undefined>) =>
    (req: Request, res: Response, next: NextFunction) => {
      accountOf(req)
        .then(routersFor)
        .then((routers) => pick(routers)(req, res, next))
        .catch(next);
    };
  // Inner routers see the whole path, as when mounted at the root.
  const under = (prefix: string, path: string) => path === prefix || path.startsWith(`${prefix}/`);
  const tokenOf = (path: string) => hashToken(decodedSegment(path.split('/')[2] ?? ''));
  const readJson = express.json({ limit: '16kb' });

  router.use((req, res, next) => {
    const path = req.path;
    if (under('/password/forgot', path)) return deps.forgot(req, res, next);
    if (under('/invite', path))
      return dispatch(
        (r) => r.pages,
        (q) => accountOfLink('invite', tokenOf(q.path)),
      )(req, res, next);
    if (under('/password', path))
      return dispatch(
        (r) => r.pages,
        (q) => accountOfLink('password', tokenOf(q.path)),
      )(req, res, next);
    if (under('/reveal', path))
      return dispatch(
        (r) => r.pages,
        (q) => accountOfLink('reveal', tokenOf(q.path)),
      )(req, res, next);
    // The body names the account, so it is read first (the account's router finds it read).
    if (under('/api/v1', path)) {
      return readJson(req, res, (error?: unknown) =>
        error ? apiErrors(deps.logger)(error, req, res, next) : dispatch((r) => r.api, apiAccountOf)(req, res, next),
      );
    }
    if (under('/scim/v2', path)) {
      return dispatch(
        (r) => r.scim,
        async (q) => {
          const tokenHash = bearerHash(q);
          // One workspace: its account checks the token (and remembers it). Many: the token names the account.
          if (!tokenHash) return undefined;
          return deps.defaultAccountId ?? (await findScimTokenByHash(prisma, tokenHash))?.accountId;
        },
      )(req, res, next);
    }
    next();
  });

  function accountOfLink(kind: 'invite' | 'password' | 'reveal', tokenHash: string): Promise<string | undefined> {
    const accountOf = kind === 'invite' ? accountOfInvite : kind === 'password' ? accountOfPasswordLink : accountOfReveal;
    return accountOf(prisma, tokenHash);
  }

  async function apiAccountOf(req: Request): Promise<string | null | undefined> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const path = req.path.replace(/\/+$/, '');
    // An access review's report: the API key names the account, as for the audit trail.
    if (REVIEW_REPORT_PATH.test(path)) {
      const keyHash = bearerHash(req);
      return (keyHash && (await accountOfApiKey(prisma, keyHash))) ?? deps.defaultAccountId;
    }
    switch (path) {
      case '/api/v1/auth/verify': {
        if (typeof body.apiKey === 'string')
          return (await accountOfApiKey(prisma, hashToken(body.apiKey))) ?? deps.defaultAccountId;
        if (typeof body.passcode === 'string') {
          const codeHash = hashToken(body.passcode);
          const holder = await accountOfPasscode(prisma, codeHash);
          // A wrong passcode given with its holder's e-mail counts against that account's throttle: the
          // account named, or the only one.
          const named = typeof body.account === 'string' ? await accountNamed(prisma, body.account) : undefined;
          return holder ?? named ?? deps.defaultAccountId;
        }
        return deps.defaultAccountId;
      }
      case '/api/v1/login':
        return typeof body.account === 'string' ? accountNamed(prisma, body.account) : deps.defaultAccountId;
      // The product's own API key names the account.
      case '/api/v1/auth/exchange':
      case '/api/v1/audit':
      case '/api/v1/assets': {
        const keyHash = bearerHash(req);
        return (keyHash && (await accountOfApiKey(prisma, keyHash))) ?? deps.defaultAccountId;
      }
      default:
        return deps.defaultAccountId;
    }
  }

  return router;
}

function bearerHash(req: Request): string | null {
  const auth = /^Bearer (\S{1,200})$/i.exec(req.headers.authorization ?? '');
  return auth?.[1] ? hashToken(auth[1]) : null;
}

/** A path segment as the routers will see it; a malformed escape is kept as sent (it matches no token). */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
