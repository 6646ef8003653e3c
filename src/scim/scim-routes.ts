/**
 * SCIM 2.0 (RFC 7643, RFC 7644) under `/scim/v2` for identity providers (Okta, Entra ID):
 * discovery, Users with filtered, paged lists, get, POST, PUT, PATCH and DELETE (their bodies in
 * scim-user-operations.ts, shared with /Bulk in scim-bulk.ts), and Groups. Requests carry
 * the account's SCIM token; every change is a `scim-user` or `delete` change submitted through the
 * change layer as the SCIM actor. Answers are `application/scim+json`; errors use SCIM's schema.
 */
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { scimActor } from '../domain/access/actor';
import type { ChangeService } from '../domain/changes/change-service';
import type { ScimDirectory } from '../domain/scim/scim-directory';
import { clientAddress, FAILURES_PER_MINUTE } from '../web/api-routes';
import type { RateLimit } from '../web/rate-limit';
import { bulkBodyParser, bulkRoutes } from './scim-bulk';
import { discoveryRoutes } from './scim-discovery';
import { ERROR_SCHEMA, errorBody, ScimError, scimErrorFor } from './scim-errors';
import { parseUserFilter, parseUserSort } from './scim-filter';
import { scimGroupOperations } from './scim-group-operations';
import { groupRoutes } from './scim-group-routes';
import { paging, queryText, send, sendList, sendResult } from './scim-http';
import { scimUserOperations } from './scim-user-operations';
import { project, userResource, versionFromIfMatch } from './scim-user-resource';

export const SCIM_BASE = '/scim/v2';

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
  // /Bulk reads up to its maxPayloadSize (4 MB) with its own parser, placed first so the 1 MB one skips that body.
  router.use(`${SCIM_BASE}/Bulk`, bulkBodyParser());
  router.use(SCIM_BASE, express.json({ limit: '1mb', type: ['application/json', 'application/scim+json'] }));

  const safely = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };

  router.use(SCIM_BASE, discoveryRoutes(baseUrl));

  const users = scimUserOperations({ scim, changes, actor, baseUrl });

  router.get(
    `${SCIM_BASE}/Users`,
    safely(async (req, res) => {
      const filter = queryText(req.query.filter);
      const parsed = filter ? parseUserFilter(filter) : null;
      const { startIndex, skip, take } = paging(req.query);
      const sort = parseUserSort(queryText(req.query.sortBy), queryText(req.query.sortOrder));
      const { total, users } = await scim.list(parsed, skip, take, sort);
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
    safely(async (req, res) => sendResult(res, req, users.answer(200, await users.found(String(req.params.id))))),
  );

  router.post(
    `${SCIM_BASE}/Users`,
    safely(async (req, res) => sendResult(res, req, await users.create(req.body))),
  );

  router.put(
    `${SCIM_BASE}/Users/:id`,
    safely(async (req, res) =>
      sendResult(res, req, await users.replace(String(req.params.id), req.body, versionFromIfMatch(req.get('If-Match')))),
    ),
  );

  router.patch(
    `${SCIM_BASE}/Users/:id`,
    safely(async (req, res) =>
      sendResult(res, req, await users.patch(String(req.params.id), req.body, versionFromIfMatch(req.get('If-Match')))),
    ),
  );

  router.delete(
    `${SCIM_BASE}/Users/:id`,
    safely(async (req, res) =>
      sendResult(res, req, await users.remove(String(req.params.id), versionFromIfMatch(req.get('If-Match')))),
    ),
  );

  router.use(SCIM_BASE, groupRoutes({ scim, changes, actor, baseUrl }));
  router.use(SCIM_BASE, bulkRoutes({ users, groups: scimGroupOperations({ scim, changes, actor, baseUrl }), baseUrl, logger }));

  router.use(SCIM_BASE, (_req: Request, res: Response) => {
    send(res, 404, errorBody(new ScimError(404, 'There is no such SCIM endpoint.')));
  });

  // One place where errors become SCIM errors; Express's default page (with its stack) is never reached.
  router.use(SCIM_BASE, (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.set('Cache-Control', 'no-store');
    const mapped = scimErrorFor(error);
    if (mapped) return send(res, mapped.status, errorBody(mapped));
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed')
      return send(res, 400, errorBody(new ScimError(400, 'The body must be valid JSON.', 'invalidSyntax')));
    if (type === 'entity.too.large') return send(res, 413, errorBody(new ScimError(413, 'The body is too large.')));
    const status = (error as { status?: number }).status;
    if (status && status >= 400 && status < 500)
      return send(res, status, errorBody(new ScimError(status, 'The request could not be read.', 'invalidSyntax')));
    logger.error({ err: error }, 'scim request failed');
    send(res, 500, { schemas: [ERROR_SCHEMA], status: '500', detail: 'Something went wrong; try again.' });
  });
  return router;
}
