/**
 * What POST, PUT, PATCH and DELETE of a SCIM User do, apart from HTTP: the single routes
 * (scim-routes.ts) and /Bulk (scim-bulk.ts) run this same code, so an operation is the same
 * `scim-user` or `delete` change, with the same rules and audit, whichever way it arrives.
 */
import type { Actor } from '../domain/access/actor';
import type { ChangeService } from '../domain/changes/change-service';
import type { ChangeOf } from '../domain/changes/directory-change';
import type { ScimUserResult } from '../domain/changes/scim-changes';
import type { ScimDirectory } from '../domain/scim/scim-directory';
import { isRosterError } from '../errors';
import type { UserRecord } from '../store/users/user-reads';
import { ScimError } from './scim-errors';
import { applyPatch, patchOperations, UUID } from './scim-http';
import { attributesOf, etagOf, patchedAttributes, USER_ATTRIBUTES, userResource } from './scim-user-resource';

type Resource = Record<string, unknown>;

/** What an operation came to: the status, and for a resource that exists after it, the resource, its ETag and Location. */
export interface OperationResult {
  status: number;
  /** The resource's id, when one exists after the operation. */
  id?: string;
  resource?: Resource;
  etag?: string;
  location?: string;
}

/** A PATCH without If-Match re-reads and retries this often when the user changed meanwhile. */
const PATCH_ATTEMPTS = 3;

export type ScimUserOperations = ReturnType<typeof scimUserOperations>;

export function scimUserOperations(deps: { scim: ScimDirectory; changes: ChangeService; actor: Actor; baseUrl: string }) {
  const { scim, changes, actor, baseUrl } = deps;

  async function found(id: string): Promise<UserRecord> {
    const user = UUID.test(id) ? await scim.get(id) : null;
    if (!user) throw new ScimError(404, `No user ${id}.`);
    return user;
  }

  /** The user as an operation's answer. */
  function answer(status: number, user: UserRecord): OperationResult {
    return {
      status,
      id: user.id,
      resource: userResource(user, baseUrl),
      etag: etagOf(user.version),
      location: `${baseUrl}/Users/${user.id}`,
    };
  }

  async function submitUser(change: ChangeOf<'scim-user'>): Promise<UserRecord> {
    const submission = await changes.submit(actor, change);
    if (submission.status !== 'done') throw new ScimError(500, 'The change was not applied.');
    // The handler read the user inside the change, before the change layer closed it: closing bumped the
    // version once and stamped `updatedAt`, so the stored row is that read plus those (no read-back).
    const { user, closedAt } = submission.result;
    if (!closedAt) return found(user.id);
    return { ...user, version: user.version + 1, updatedAt: closedAt };
  }

  const operations = {
    found,
    answer,

    /** The `scim-user` change a POST body makes (a create); parsing errors are thrown here, before anything is written. */
    createChange(body: unknown): ChangeOf<'scim-user'> {
      return { kind: 'scim-user', attributes: attributesOf(body as Resource) };
    },

    /** POST /Users: 201 with the new user. */
    async create(body: unknown): Promise<OperationResult> {
      return answer(201, await submitUser(operations.createChange(body)));
    },

    /**
     * Several POST /Users at once (/Bulk): the changes `createChange` made, submitted as one batch (one
     * transaction, a savepoint each, so a failing create is undone alone), each answered like `create`
     * but without the resource (only its id, version and location), or with its error; in order. After
     * `stopAfterErrors` failures the rest are not run (undefined).
     */
    async createAll(
      creates: ChangeOf<'scim-user'>[],
      stopAfterErrors?: number,
    ): Promise<Array<{ result: OperationResult } | { error: unknown } | undefined>> {
      const outcomes = await changes.submitBatch(actor, creates, { stopAfterErrors });
      const ids = outcomes.map((o) => (o.status === 'done' ? (o.result as ScimUserResult).user.id : undefined));
      // Read after the commit, in one query: the change layer bumps the version after the handler ran.
      const versions = await scim.versions(ids.filter((id): id is string => id !== undefined));
      return outcomes.map((outcome, index) => {
        const id = ids[index];
        if (outcome.status === 'skipped') return undefined;
        if (outcome.status !== 'done' || id === undefined)
          return { error: outcome.status === 'failed' ? outcome.error : undefined };
        const version = versions.get(id);
        return {
          result: {
            status: 201,
            id,
            location: `${baseUrl}/Users/${id}`,
            ...(version !== undefined ? { etag: etagOf(version) } : {}),
          },
        };
      });
    },

    /** PUT /Users/:id: replaces the whole user, so without a version it applies to the user as they are now. */
    async replace(id: string, body: unknown, ifVersion: number | undefined): Promise<OperationResult> {
      const user = await found(id);
      const attributes = attributesOf(body as Resource);
      return answer(200, await submitUser({ kind: 'scim-user', attributes, user: { id: user.id }, ifVersion }));
    },

    /** PATCH /Users/:id: the operations applied to the user's resource, submitted as the state they lead to. */
    async patch(id: string, body: unknown, asked: number | undefined): Promise<OperationResult> {
      const patch = patchOperations(body);
      for (let attempt = 1; ; attempt++) {
        const user = await found(id);
        const before = userResource(user, baseUrl);
        const after = applyPatch(before, patch, USER_ATTRIBUTES);
        try {
          const attributes = patchedAttributes(before, after);
          const changed = await submitUser({
            kind: 'scim-user',
            attributes,
            user: { id: user.id },
            ifVersion: asked ?? user.version,
          });
          return answer(200, changed);
        } catch (error) {
          // Without If-Match the PATCH applies to the user as they are now: read again and retry.
          if (asked !== undefined || attempt >= PATCH_ATTEMPTS || !isRosterError(error) || error.code !== 'stale') throw error;
        }
      }
    },

    /** DELETE /Users/:id: the directory's delete (assets move to the owner); a version is compared just before. */
    async remove(id: string, asked: number | undefined): Promise<OperationResult> {
      const user = await found(id);
      if (asked !== undefined && asked !== user.version) throw new ScimError(412, `${user.email} changed since that version.`);
      await changes.submit(actor, {
        kind: 'delete',
        users: [{ id: user.id }],
        reason: 'Deprovisioned by the identity provider (SCIM).',
      });
      return { status: 204 };
    },
  };
  return operations;
}
