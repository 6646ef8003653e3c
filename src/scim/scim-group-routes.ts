/**
 * SCIM Groups: Roster's custom groups and Default (members added and removed by user id), and All
 * Users, read-only, whose members are every user. Changes are `scim-group` / `scim-group-delete`
 * changes through the change layer; a PATCH becomes the members it adds and removes and the new name.
 */
import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Actor } from '../domain/access/actor';
import type { ChangeService } from '../domain/changes/change-service';
import type { GroupWithMembers, ScimDirectory } from '../domain/scim/scim-directory';
import { ScimError } from './scim-errors';
import { parseGroupFilter } from './scim-filter';
import { applyPatch, paging, patchOperations, queryText, send, sendList, UUID } from './scim-http';
import type { PatchSchema } from './scim-patch';
import { etagOf, project, versionFromIfMatch } from './scim-user-resource';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** Every attribute of the Group resource below, for PATCH: a path or value naming anything else is `invalidPath`. */
export const GROUP_ATTRIBUTES: PatchSchema = {
  urn: GROUP_SCHEMA,
  attributes: [
    { name: 'schemas', type: 'string', multiValued: true, mutability: 'readOnly' },
    { name: 'id', type: 'string', mutability: 'readOnly', caseExact: true },
    { name: 'meta', type: 'complex', mutability: 'readOnly' },
    { name: 'displayName', type: 'string', required: true },
    {
      name: 'members',
      type: 'complex',
      multiValued: true,
      // Only `value` counts (display, type and $ref are Roster's); a member is added or removed, never re-pointed.
      subAttributes: [
        { name: 'value', type: 'string', mutability: 'immutable' },
        { name: 'display', type: 'string', mutability: 'readOnly' },
        { name: 'type', type: 'string', mutability: 'readOnly' },
        { name: '$ref', type: 'string', mutability: 'readOnly' },
      ],
    },
  ],
};

type Resource = Record<string, unknown>;

/** The SCIM Group for a group; `version` is the group's `version` as a weak ETag. */
export function groupResource(group: GroupWithMembers, baseUrl: string): Resource {
  return {
    schemas: [GROUP_SCHEMA],
    id: group.id,
    displayName: group.name,
    members: group.members.map((m) => ({ value: m.id, display: m.email, type: 'User', $ref: `${baseUrl}/Users/${m.id}` })),
    meta: {
      resourceType: 'Group',
      created: group.createdAt.toISOString(),
      lastModified: group.updatedAt.toISOString(),
      location: `${baseUrl}/Groups/${group.id}`,
      version: etagOf(group.version),
    },
  };
}

function displayNameOf(resource: Resource): string | undefined {
  const name = resource.displayName;
  if (name === undefined || name === null) return undefined;
  if (typeof name !== 'string') throw new ScimError(400, 'displayName must be a string.', 'invalidValue');
  return name;
}

/** The user ids in `members`; each must be a Roster user id. */
function memberIds(resource: Resource): string[] {
  const members = resource.members ?? [];
  if (!Array.isArray(members)) throw new ScimError(400, 'members must be a list.', 'invalidValue');
  return members.map((member) => {
    const value = typeof member === 'string' ? member : (member as Resource)?.value;
    if (typeof value !== 'string' || !UUID.test(value))
      throw new ScimError(400, 'Each member needs a value: the id of a user.', 'invalidValue');
    return value;
  });
}

function delta(current: string[], wanted: string[]) {
  const now = new Set(current);
  const next = new Set(wanted);
  return { add: [...next].filter((id) => !now.has(id)), remove: [...now].filter((id) => !next.has(id)) };
}

export function groupRoutes(deps: { scim: ScimDirectory; changes: ChangeService; actor: Actor; baseUrl: string }): Router {
  const { scim, changes, actor, baseUrl } = deps;
  const router = Router();
  const safely = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };

  async function found(id: string): Promise<GroupWithMembers> {
    const group = UUID.test(id) ? await scim.getGroup(id) : null;
    if (!group) throw new ScimError(404, `No group ${id}.`);
    return group;
  }

  function writable(group: GroupWithMembers): void {
    if (group.kind === 'all_users') throw new ScimError(400, 'All Users is every user; it is read-only.', 'mutability');
  }

  async function respond(res: Response, req: Request, status: number, id: string) {
    const group = await found(id);
    res.set('ETag', etagOf(group.version)).set('Location', `${baseUrl}/Groups/${group.id}`);
    send(
      res,
      status,
      project(groupResource(group, baseUrl), queryText(req.query.attributes), queryText(req.query.excludedAttributes)),
    );
  }

  async function submit(change: { group?: string; ifVersion?: number; displayName?: string; add: string[]; remove: string[] }) {
    const submission = await changes.submit(actor, {
      kind: 'scim-group',
      ...(change.group ? { group: { id: change.group } } : {}),
      ifVersion: change.ifVersion,
      displayName: change.displayName,
      add: change.add,
      remove: change.remove,
    });
    if (submission.status !== 'done') throw new ScimError(500, 'The change was not applied.');
    return submission.result.groupId;
  }

  router.get(
    '/Groups',
    safely(async (req, res) => {
      const filter = queryText(req.query.filter);
      const { startIndex, skip, take } = paging(req.query);
      const { total, groups } = await scim.listGroups(filter ? parseGroupFilter(filter) : null, skip, take);
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
    safely(async (req, res) => respond(res, req, 200, String(req.params.id))),
  );

  router.post(
    '/Groups',
    safely(async (req, res) => {
      const body = (req.body ?? {}) as Resource;
      const displayName = displayNameOf(body);
      if (!displayName) throw new ScimError(400, 'A group needs a displayName.', 'invalidValue');
      await respond(res, req, 201, await submit({ displayName, add: memberIds(body), remove: [] }));
    }),
  );

  router.put(
    '/Groups/:id',
    safely(async (req, res) => {
      const group = await found(String(req.params.id));
      writable(group);
      const body = (req.body ?? {}) as Resource;
      const members = delta(
        group.members.map((m) => m.id),
        memberIds(body),
      );
      const ifVersion = versionFromIfMatch(req.get('If-Match'));
      await respond(res, req, 200, await submit({ group: group.id, ifVersion, displayName: displayNameOf(body), ...members }));
    }),
  );

  router.patch(
    '/Groups/:id',
    safely(async (req, res) => {
      const operations = patchOperations(req.body);
      const group = await found(String(req.params.id));
      writable(group);
      const before = groupResource(group, baseUrl);
      const after = applyPatch(before, operations, GROUP_ATTRIBUTES);
      const members = delta(memberIds(before), memberIds(after));
      const name = displayNameOf(after);
      const ifVersion = versionFromIfMatch(req.get('If-Match'));
      // Members are added and removed as deltas, so a PATCH without If-Match applies to the group as it is now.
      await respond(
        res,
        req,
        200,
        await submit({ group: group.id, ifVersion, displayName: name === group.name ? undefined : name, ...members }),
      );
    }),
  );

  router.delete(
    '/Groups/:id',
    safely(async (req, res) => {
      const group = await found(String(req.params.id));
      writable(group);
      if (group.kind === 'default') throw new ScimError(400, `${group.name} is built in and cannot be deleted.`, 'mutability');
      await changes.submit(actor, {
        kind: 'scim-group-delete',
        group: { id: group.id },
        ifVersion: versionFromIfMatch(req.get('If-Match')),
      });
      res.status(204).end();
    }),
  );
  return router;
}
