/** What the SCIM routes share: the media type, list and PATCH schemas, reading query parameters, and PATCH. */
import type { Request, Response } from 'express';
import { STORE_RETRY_AFTER_SECONDS } from '../store/store-unreachable';
import { ScimError } from './scim-errors';
import type { OperationResult } from './scim-user-operations';
import { project } from './scim-user-resource';

/** Applies a PATCH with Roster's own code over the resource's known attributes (scim-patch.ts). */
export { applyPatch } from './scim-patch';

export const CONTENT_TYPE = 'application/scim+json';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** The most resources one list answers (ServiceProviderConfig's `filter.maxResults`). */
export const MAX_RESULTS = 200;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Answers an operation's result (scim-user-operations.ts): the resource projected by `attributes` / `excludedAttributes`, with its ETag and Location. */
export function sendResult(res: Response, req: Request, result: OperationResult) {
  if (result.etag) res.set('ETag', result.etag);
  if (result.location) res.set('Location', result.location);
  if (!result.resource) return void res.status(result.status).end();
  send(res, result.status, project(result.resource, queryText(req.query.attributes), queryText(req.query.excludedAttributes)));
}

/** Answers `body` as `application/scim+json`; a 503 (the store cannot be reached) says when to try again. */
export function send(res: Response, status: number, body: unknown) {
  if (status === 503) res.set('Retry-After', String(STORE_RETRY_AFTER_SECONDS));
  res.status(status).type(CONTENT_TYPE).send(JSON.stringify(body));
}

/** Answers a ListResponse: `resources` is the page starting at `startIndex` of `total`. */
export function sendList(res: Response, startIndex: number, total: number, resources: unknown[]) {
  send(res, 200, {
    schemas: [LIST_SCHEMA],
    totalResults: total,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  });
}

export function integer(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^-?\d{1,9}$/.test(value))
    throw new ScimError(400, 'startIndex and count must be integers.', 'invalidValue');
  return Number(value);
}

export function queryText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ScimError(400, 'Give each query parameter once.', 'invalidSyntax');
  return value;
}

/** `startIndex` (1-based, below 1 counts as 1) and `count` (0 to MAX_RESULTS, default 100) as skip and take. */
export function paging(query: Record<string, unknown>): { startIndex: number; skip: number; take: number } {
  const startIndex = Math.max(1, integer(query.startIndex, 1));
  return { startIndex, skip: startIndex - 1, take: Math.min(MAX_RESULTS, Math.max(0, integer(query.count, 100))) };
}

/** A PATCH body's operations, or `invalidSyntax`. */
export function patchOperations(body: unknown): unknown[] {
  const patch = body as { schemas?: unknown; Operations?: unknown } | null;
  if (!Array.isArray(patch?.Operations) || (Array.isArray(patch.schemas) && !patch.schemas.includes(PATCH_SCHEMA)))
    throw new ScimError(400, 'A PATCH needs the PatchOp schema and a list of Operations.', 'invalidSyntax');
  return patch.Operations;
}
