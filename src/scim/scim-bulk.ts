/**
 * `POST /scim/v2/Bulk` (RFC 7644 §3.7): many POST, PUT, PATCH and DELETE operations on Users and
 * Groups in one request. Each operation runs the same code as its single endpoint
 * (scim-user-operations.ts, scim-group-operations.ts), so it is the same change with the same rules
 * and audit, answered on its own: one failing operation fails only itself. A POST's `bulkId` can be
 * named as `bulkId:<id>` in a later operation's path or data (a group's members); an operation that
 * names one defined later runs after it, and one that cannot be resolved (unknown, circular, or
 * its POST failed) is that operation's error.
 */
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { errorBody, ScimError, scimErrorFor } from './scim-errors';
import type { ScimGroupOperations } from './scim-group-operations';
import { CONTENT_TYPE, send } from './scim-http';
import type { OperationResult, ScimUserOperations } from './scim-user-operations';
import { versionFromIfMatch } from './scim-user-resource';

export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
/** The most operations one request holds (ServiceProviderConfig's `bulk.maxOperations`). */
export const MAX_OPERATIONS = 1000;
/** The largest request body in bytes (ServiceProviderConfig's `bulk.maxPayloadSize`): 4 MB. */
export const MAX_PAYLOAD_SIZE = 4 * 1024 * 1024;
/**
 * The most creates one batch (one submitBatch, one transaction) holds. A run of plain creates goes
 * together in a few statements (scim-user-batch.ts), so longer is faster; but a run that cannot (a
 * clash) falls back to one change at a time, and those each update the account row (its seat count),
 * whose row versions pile up within one transaction: a change costs more the longer the batch.
 */
const BATCH_SIZE = 250;

const METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];
const BULK_ID = /^bulkId:(.+)$/;
const PATH = /^\/(Users|Groups)(?:\/([^/]+))?\/?$/i;

/** One operation of the request as read, before it runs. */
interface Operation {
  /** Upper-cased as sent; checked when the operation runs. */
  method: string;
  bulkId?: string;
  version?: string;
  path: string;
  data: unknown;
  /** The bulkIds its path and data name. */
  refs: Set<string>;
}

/** One entry of the BulkResponse. */
interface Answer {
  method: string;
  bulkId?: string;
  version?: string;
  location?: string;
  status: string;
  response?: ReturnType<typeof errorBody>;
}

type Resource = Record<string, unknown>;

/**
 * The JSON parser for /Bulk, mounted before the SCIM router's 1 MB parser (which then skips the
 * body already read): up to maxPayloadSize, and a larger body is 413 naming that limit.
 */
export function bulkBodyParser() {
  const parse = express.json({ limit: MAX_PAYLOAD_SIZE, type: ['application/json', CONTENT_TYPE] });
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (error?: unknown) => {
      if ((error as { type?: string } | undefined)?.type === 'entity.too.large')
        return next(new ScimError(413, `The bulk request is larger than maxPayloadSize (${MAX_PAYLOAD_SIZE} bytes).`));
      next(error);
    });
}

/** Every `bulkId:<id>` string in `value` (a path or an operation's data), at any depth. */
function collectRefs(value: unknown, into: Set<string>): Set<string> {
  if (typeof value === 'string') {
    const match = BULK_ID.exec(value);
    if (match?.[1]) into.add(match[1]);
  } else if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, into);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) collectRefs(item, into);
  }
  return into;
}

/** `value` with each `bulkId:<id>` string replaced by the id it stands for (own keys only, so nothing reaches a prototype). */
function resolveRefs(value: unknown, ids: Map<string, string>): unknown {
  if (typeof value === 'string') {
    const match = BULK_ID.exec(value);
    return match?.[1] ? (ids.get(match[1]) ?? value) : value;
  }
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, ids));
  if (value && typeof value === 'object') {
    const out: Resource = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(out, key, { value: resolveRefs(item, ids), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** The request's operations, or the request's own error (400 malformed, 413 over maxOperations). */
function readRequest(body: unknown): { operations: Operation[]; failOnErrors: number } {
  const request = body as { schemas?: unknown; Operations?: unknown; failOnErrors?: unknown } | null;
  if (
    !request ||
    typeof request !== 'object' ||
    !Array.isArray(request.Operations) ||
    (Array.isArray(request.schemas) && !request.schemas.includes(BULK_REQUEST_SCHEMA))
  )
    throw new ScimError(400, 'A bulk request needs the BulkRequest schema and a list of Operations.', 'invalidSyntax');
  if (request.Operations.length > MAX_OPERATIONS)
    throw new ScimError(413, `The bulk request has ${request.Operations.length} operations; maxOperations is ${MAX_OPERATIONS}.`);
  const failOnErrors = request.failOnErrors;
  if (failOnErrors !== undefined && failOnErrors !== null && (!Number.isInteger(failOnErrors) || (failOnErrors as number) < 1))
    throw new ScimError(400, 'failOnErrors must be a whole number of at least 1.', 'invalidValue');
  const defined = new Set<string>();
  const operations = request.Operations.map((raw, index): Operation => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      throw new ScimError(400, `Operation ${index + 1} is not an object.`, 'invalidSyntax');
    const op = raw as Resource;
    const text = (name: string) => {
      const value = op[name];
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'string')
        throw new ScimError(400, `Operation ${index + 1}: ${name} must be a string.`, 'invalidSyntax');
      return value;
    };
    const method = (text('method') ?? '').toUpperCase();
    const bulkId = text('bulkId');
    if (bulkId !== undefined && method === 'POST') {
      if (defined.has(bulkId))
        throw new ScimError(400, `bulkId ${bulkId} names two operations; each must be unique.`, 'invalidValue');
      defined.add(bulkId);
    }
    const path = text('path') ?? '';
    return {
      method,
      bulkId,
      version: text('version'),
      path,
      data: op.data,
      refs: collectRefs([PATH.exec(path)?.[2], op.data], new Set()),
    };
  });
  return { operations, failOnErrors: (failOnErrors as number | undefined) ?? Number.POSITIVE_INFINITY };
}

/**
 * The order the operations run in: the request's, except that an operation naming a bulkId a later
 * POST defines runs after that POST. A cycle is left as it is: its first operation to run finds its
 * reference unresolved, and fails.
 */
function runOrder(operations: Operation[], definedBy: Map<string, Operation>): Operation[] {
  const state = new Map<Operation, 'visiting' | 'done'>();
  const order: Operation[] = [];
  // Iterative depth-first walk, so a long chain of references cannot overflow the stack.
  for (const root of operations) {
    if (state.has(root)) continue;
    const stack: Array<{ op: Operation; deps: Operation[] }> = [];
    const enter = (op: Operation) => {
      state.set(op, 'visiting');
      const deps = [...op.refs].map((ref) => definedBy.get(ref)).filter((d): d is Operation => d !== undefined && d !== op);
      stack.push({ op, deps });
    };
    enter(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { op: Operation; deps: Operation[] };
      const next = top.deps.shift();
      if (next === undefined) {
        stack.pop();
        state.set(top.op, 'done');
        order.push(top.op);
      } else if (!state.has(next)) enter(next);
    }
  }
  return order;
}

export function bulkRoutes(deps: {
  users: ScimUserOperations;
  groups: ScimGroupOperations;
  baseUrl: string;
  logger: Logger;
}): Router {
  const { users, groups, baseUrl, logger } = deps;
  const router = Router();

  /** Runs one operation whose bulkIds are resolved: the same code as its single endpoint. */
  async function perform(method: string, path: string, data: unknown, version: string | undefined): Promise<OperationResult> {
    if (!METHODS.includes(method))
      throw new ScimError(400, 'An operation’s method must be POST, PUT, PATCH or DELETE.', 'invalidSyntax');
    const match = PATH.exec(path);
    const resource = match?.[1]?.toLowerCase();
    const id = match?.[2];
    const operations = resource === 'users' ? users : resource === 'groups' ? groups : undefined;
    if (!operations || (method === 'POST') !== (id === undefined)) throw new ScimError(404, 'There is no such SCIM endpoint.');
    if (method === 'POST') return operations.create(data);
    const ifVersion = versionFromIfMatch(version);
    const target = id as string;
    if (method === 'PUT') return operations.replace(target, data, ifVersion);
    if (method === 'PATCH') return operations.patch(target, data, ifVersion);
    return operations.remove(target, ifVersion);
  }

  /** Runs the request's operations (see runOrder), answering each, until failOnErrors errors. */
  async function run(operations: Operation[], failOnErrors: number): Promise<Map<Operation, Answer>> {
    const definedBy = new Map<string, Operation>();
    for (const op of operations) if (op.method === 'POST' && op.bulkId !== undefined) definedBy.set(op.bulkId, op);
    /** The id each bulkId's POST created; the bulkIds whose POST failed. */
    const ids = new Map<string, string>();
    const failed = new Set<string>();
    const answers = new Map<Operation, Answer>();
    let errors = 0;

    /** The operation's path with a `bulkId:<id>` in place of its resource id resolved. */
    const pathOf = (op: Operation) =>
      op.path.replace(PATH, (whole, type: string, id?: string) => (id ? `/${type}/${resolveRefs(id, ids)}` : whole));

    /** Throws the operation's error when a bulkId it names has no id (yet). */
    function refuseUnresolved(op: Operation): void {
      for (const ref of op.refs) {
        if (ids.has(ref)) continue;
        if (!definedBy.has(ref)) throw new ScimError(400, `bulkId:${ref} names no POST of this request.`, 'invalidValue');
        if (failed.has(ref)) throw new ScimError(409, `bulkId:${ref} was not created: its operation failed.`);
        throw new ScimError(409, `bulkId:${ref} is part of a circular reference this server does not resolve.`);
      }
    }

    function record(op: Operation, outcome: { result: OperationResult } | { error: unknown }): void {
      const answer: Answer = { method: op.method, ...(op.bulkId !== undefined ? { bulkId: op.bulkId } : {}), status: '' };
      if (op.method !== 'POST') answer.location = `${baseUrl}${pathOf(op)}`;
      if ('result' in outcome) {
        const { result } = outcome;
        answer.status = String(result.status);
        if (result.location) answer.location = result.location;
        if (result.etag) answer.version = result.etag;
        if (op.method === 'POST' && op.bulkId !== undefined && result.id) ids.set(op.bulkId, result.id);
      } else {
        const mapped = scimErrorFor(outcome.error);
        if (!mapped) logger.error({ err: outcome.error }, 'scim bulk operation failed');
        const error = mapped ?? new ScimError(500, 'Something went wrong; try again.');
        errors += 1;
        if (op.method === 'POST' && op.bulkId !== undefined) failed.add(op.bulkId);
        answer.status = String(error.status);
        answer.response = errorBody(error);
      }
      answers.set(op, answer);
    }

    async function runOne(op: Operation): Promise<{ result: OperationResult } | { error: unknown }> {
      try {
        refuseUnresolved(op);
        return { result: await perform(op.method, pathOf(op), resolveRefs(op.data, ids), op.version) };
      } catch (error) {
        return { error };
      }
    }

    /**
     * The run of POST /Users starting at `order[from]` that can go as one batch: each names only bulkIds
     * already created (none of the run's own) and its body is valid; with their changes.
     */
    function batchFrom(order: Operation[], from: number) {
      const batch: Array<{ op: Operation; change: ReturnType<ScimUserOperations['createChange']> }> = [];
      for (const op of order.slice(from, from + BATCH_SIZE)) {
        if (op.method !== 'POST' || PATH.exec(op.path)?.[1]?.toLowerCase() !== 'users' || PATH.exec(op.path)?.[2]) break;
        if ([...op.refs].some((ref) => !ids.has(ref))) break;
        try {
          batch.push({ op, change: users.createChange(resolveRefs(op.data, ids)) });
        } catch {
          break;
        }
      }
      return batch;
    }

    const order = runOrder(operations, definedBy);
    for (let next = 0; next < order.length && errors < failOnErrors; ) {
      const batch = batchFrom(order, next);
      if (batch.length > 1) {
        // Should the batch's transaction itself fail, each of its operations is answered with that error.
        // The batch stops where failOnErrors would: what it did not run is not answered.
        const outcomes = await users
          .createAll(
            batch.map((b) => b.change),
            failOnErrors - errors,
          )
          .catch((error: unknown) => batch.map(() => ({ error })));
        for (const [i, { op }] of batch.entries()) {
          const outcome = outcomes[i];
          if (outcome) record(op, outcome);
        }
        next += batch.length;
        continue;
      }
      const op = order[next++] as Operation;
      record(op, await runOne(op));
    }
    return answers;
  }

  router.post('/Bulk', (req: Request, res: Response, next: NextFunction) => {
    (async () => {
      const { operations, failOnErrors } = readRequest(req.body);
      const answers = await run(operations, failOnErrors);
      // Answered in the request's order; operations after failOnErrors was reached are left out.
      send(res, 200, {
        schemas: [BULK_RESPONSE_SCHEMA],
        Operations: operations.filter((op) => answers.has(op)).map((op) => answers.get(op)),
      });
    })().catch(next);
  });
  return router;
}
