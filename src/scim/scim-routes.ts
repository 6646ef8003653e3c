/**
 * SCIM 2.0 (RFC 7643, RFC 7644) under `/scim/v2` for identity providers (Okta, Entra ID):
 * discovery, and Users with filtered, paged lists, get, POST, PUT, PATCH and DELETE. Requests carry
 * the account's SCIM token; every change is a `scim-user` or `delete` change submitted through the
 * change layer as the SCIM actor. Answers are `application/scim+json`; errors use SCIM's schema.
 */
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { scimActor } from '../domain/access/actor';
import type { ChangeService } from '../domain/changes/change-service';
import type { ScimDirectory } from '../domain/scim/scim-directory';
import { isRosterError } from '../errors';
import { isUniqueViolation } from '../store/tx';
import { clientAddress, FAILURES_PER_MINUTE } from '../web/api-routes';
import type { RateLimit } from '../web/rate-limit';
import { discoveryRoutes } from './scim-discovery';
import { ERROR_SCHEMA, errorBody, ScimError, scimErrorOf } from './scim-errors';
import { parseUserFilter } from './scim-filter';
import { groupRoutes } from './scim-group-routes';
import { applyPatch, paging, patchOperations, queryText, send, sendList, UUID } from './scim-http';
import {
  attributesOf,
  etagOf,
  patchedAttributes,
  project,
  type ScimUserAttributes,
  USER_ATTRIBUTES,
  userResource,
  versionFromIfMatch,
} from './scim-user-resource';

export const SCIM_BASE = '/scim/v2';
/** A PATCH without If-Match re-reads and retries this often when the user changed meanwhile. */
const PATCH_ATTEMPTS = 3;

export function scimRoutes(deps: {
  scim: ScimDirectory;
  changes: ChangeService;
  rateLimit: RateLimit;
  publicUrl: string;
  logger: Logger;
}): Router {
  const { scim, changes, rateLimit, logger } = deps;
  const baseUrl = `${deps.publicUrl.replace(/\/$/, '')}${SCIM_BASE}`;
  const actor = scimActor();
  const router = Router();

  // Authentication first: a request without the SCIM token learns nothing, not even whether a route exists.
  // The token is checked before the failure budget: identity providers provision from shared addresses,
  // so a correct token always passes, and only failures count (per client: a wrong token names no account).
  router.use(SCIM_BASE, async (req: Request, res: Response, next: NextFunction) => {
    try {
      res.set('Cache-Control', 'no-store');
      const auth = /^Bearer (\S{1,200})$/i.exec(req.headers.authorization ?? '');
      if (auth?.[1] && (await scim.verifyToken(auth[1]))) return next();
      // Checked and counted in one atomic step, so parallel failures cannot race past the limit.
      const wait = await rateLimit.reserve(`fail:scim:${clientAddress(req)}`, FAILURES_PER_MINUTE, 60);
      if (wait > 0) {
        res.set('Retry-After', String(wait));
        return send(res, 429, errorBody(new ScimError(429, 'Too many failed attempts; try again in a minute.')));
      }
      res.set('WWW-Authenticate', 'Bearer realm="roster-scim"');
      return send(res, 401, errorBody(new ScimError(401, 'The SCIM bearer token is missing or not valid.')));
    } catch (error) {
      next(error);
    }
  });
  router.use(SCIM_BASE, express.json({ limit: '1mb', type: ['application/json', 'application/scim+json'] }));

  const safely = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };

  router.use(SCIM_BASE, discoveryRoutes(baseUrl));

  async function found(id: string) {
    const user = UUID.test(id) ? await scim.get(id) : null;
    if (!user) throw new ScimError(404, `No user ${id}.`);
    return user;
  }

  function respondUser(res: Response, status: number, user: Parameters<typeof userResource>[0], req: Request) {
    res.set('ETag', etagOf(user.version)).set('Location', `${baseUrl}/Users/${user.id}`);
    send(
      res,
      status,
      project(userResource(user, baseUrl), queryText(req.query.attributes), queryText(req.query.excludedAttributes)),
    );
  }

  async function submitUser(attributes: ScimUserAttributes, target?: { id: string; ifVersion?: number }) {
    const submission = await changes.submit(actor, {
      kind: 'scim-user',
      attributes,
      ...(target ? { user: { id: target.id }, ifVersion: target.ifVersion } : {}),
    });
    if (submission.status !== 'done') throw new ScimError(500, 'The change was not applied.');
    // Read back after the commit: the change layer bumps the version after the handler ran, and the ETag must be the stored one.
    return found(submission.result.user.id);
  }

  router.get(
    `${SCIM_BASE}/Users`,
    safely(async (req, res) => {
      const filter = queryText(req.query.filter);
      const parsed = filter ? parseUserFilter(filter) : null;
      const { startIndex, skip, take } = paging(req.query);
      const { total, users } = await scim.list(parsed, skip, take);
      const attributes = queryText(req.query.attributes);
      const excluded = queryText(req.query.excludedAttributes);
      sendList(
        res,
        startIndex,
        total,
        users.map((user) => project(userResource(user, baseUrl), attributes, excluded)),
      );
    }),
  );

  router.get(
    `${SCIM_BASE}/Users/:id`,
    safely(async (req, res) => respondUser(res, 200, await found(String(req.params.id)), req)),
  );

  router.post(
    `${SCIM_BASE}/Users`,
    safely(async (req, res) => respondUser(res, 201, await submitUser(attributesOf(req.body)), req)),
  );

  router.put(
    `${SCIM_BASE}/Users/:id`,
    safely(async (req, res) => {
      const user = await found(String(req.params.id));
      // A PUT replaces the whole user, so without If-Match it applies to the user as they are now.
      const ifVersion = versionFromIfMatch(req.get('If-Match'));
      respondUser(res, 200, await submitUser(attributesOf(req.body), { id: user.id, ifVersion }), req);
    }),
  );

  router.patch(
    `${SCIM_BASE}/Users/:id`,
    safely(async (req, res) => {
      const operations = patchOperations(req.body);
      const asked = versionFromIfMatch(req.get('If-Match'));
      for (let attempt = 1; ; attempt++) {
        const user = await found(String(req.params.id));
        const before = userResource(user, baseUrl);
        const after = applyPatch(before, operations, USER_ATTRIBUTES);
        try {
          const changed = await submitUser(patchedAttributes(before, after), { id: user.id, ifVersion: asked ?? user.version });
          return respondUser(res, 200, changed, req);
        } catch (error) {
          // Without If-Match the PATCH applies to the user as they are now: read again and retry.
          if (asked !== undefined || attempt >= PATCH_ATTEMPTS || !isRosterError(error) || error.code !== 'stale') throw error;
        }
      }
    }),
  );

  router.delete(
    `${SCIM_BASE}/Users/:id`,
    safely(async (req, res) => {
      const user = await found(String(req.params.id));
      const asked = versionFromIfMatch(req.get('If-Match'));
      if (asked !== undefined && asked !== user.version) throw new ScimError(412, `${user.email} changed since that version.`);
      await changes.submit(actor, {
        kind: 'delete',
        users: [{ id: user.id }],
        reason: 'Deprovisioned by the identity provider (SCIM).',
      });
      res.status(204).end();
    }),
  );

  router.use(SCIM_BASE, groupRoutes({ scim, changes, actor, baseUrl }));

  router.use(SCIM_BASE, (_req: Request, res: Response) => {
    send(res, 404, errorBody(new ScimError(404, 'There is no such SCIM endpoint.')));
  });

  // One place where errors become SCIM errors; Express's default page (with its stack) is never reached.
  router.use(SCIM_BASE, (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.set('Cache-Control', 'no-store');
    if (error instanceof ScimError) return send(res, error.status, errorBody(error));
    if (isRosterError(error)) {
      const mapped = scimErrorOf(error.code, error.message, error.field);
      return send(res, mapped.status, errorBody(mapped));
    }
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed')
      return send(res, 400, errorBody(new ScimError(400, 'The body must be valid JSON.', 'invalidSyntax')));
    if (type === 'entity.too.large') return send(res, 413, errorBody(new ScimError(413, 'The body is too large.')));
    const status = (error as { status?: number }).status;
    if (status && status >= 400 && status < 500)
      return send(res, status, errorBody(new ScimError(status, 'The request could not be read.', 'invalidSyntax')));
    if (isUniqueViolation(error))
      return send(res, 409, errorBody(new ScimError(409, 'A user with that userName already exists.', 'uniqueness')));
    logger.error({ err: error }, 'scim request failed');
    send(res, 500, { schemas: [ERROR_SCHEMA], status: '500', detail: 'Something went wrong; try again.' });
  });
  return router;
}
