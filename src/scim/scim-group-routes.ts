/**
 * SCIM Groups: Roster's custom groups and Default (members added and removed by user id), and All
 * Users, read-only, whose members are every user. Changes are `scim-group` / `scim-group-delete`
 * changes through the change layer; a PATCH becomes the members it adds and removes and the new name.
 */
import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Actor } from '../domain/access/actor';
import type { ChangeService } from '../domain/changes/change-service';
import type { ScimDirectory } from '../domain/scim/scim-directory';
import { parseGroupFilter, parseGroupSort } from './scim-filter';
import { scimGroupOperations } from './scim-group-operations';
import { groupResource } from './scim-group-resource';
import { paging, queryText, sendList, sendResult } from './scim-http';
import { project, versionFromIfMatch } from './scim-user-resource';

export function groupRoutes(deps: { scim: ScimDirectory; changes: ChangeService; actor: Actor; baseUrl: string }): Router {
  const { scim, changes, actor, baseUrl } = deps;
  const router = Router();
  const safely = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };

  const operations = scimGroupOperations({ scim, changes, actor, baseUrl });

  router.get(
    '/Groups',
    safely(async (req, res) => {
      const filter = queryText(req.query.filter);
      const { startIndex, skip, take } = paging(req.query);
      const sort = parseGroupSort(queryText(req.query.sortBy), queryText(req.query.sortOrder));
      const { total, groups } = await scim.listGroups(filter ? parseGroupFilter(filter) : null, skip, take, sort);
      const attributes = queryText(req.query.attributes);
      const excluded = queryText(req.query.excludedAttributes);
      sendList(
        res,
        startIndex,
        total,
        groups.map((group) => project(groupResource(group, baseUrl), attributes, excluded)),
      );
    }),
  );

  router.get(
    '/Groups/:id',
    safely(async (req, res) => sendResult(res, req, await operations.answer(200, String(req.params.id)))),
  );

  router.post(
    '/Groups',
    safely(async (req, res) => sendResult(res, req, await operations.create(req.body))),
  );

  router.put(
    '/Groups/:id',
    safely(async (req, res) =>
      sendResult(res, req, await operations.replace(String(req.params.id), req.body, versionFromIfMatch(req.get('If-Match')))),
    ),
  );

  router.patch(
    '/Groups/:id',
    safely(async (req, res) =>
      sendResult(res, req, await operations.patch(String(req.params.id), req.body, versionFromIfMatch(req.get('If-Match')))),
    ),
  );

  router.delete(
    '/Groups/:id',
    safely(async (req, res) =>
      sendResult(res, req, await operations.remove(String(req.params.id), versionFromIfMatch(req.get('If-Match')))),
    ),
  );
  return router;
}
