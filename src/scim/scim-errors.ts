/**
 * SCIM's error schema (RFC 7644 §3.12) at the edge: Roster's error vocabulary mapped once to an
 * HTTP status and `scimType`; anything unexpected is a bare 500 without internals.
 */
import { z } from 'zod';
import { type ErrorCode, isRosterError } from '../errors';
import { asStoreUnreachable } from '../store/store-unreachable';
import { isUniqueViolation } from '../store/tx';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type ScimType =
  | 'uniqueness'
  | 'invalidFilter'
  | 'invalidPath'
  | 'invalidSyntax'
  | 'invalidValue'
  | 'mutability'
  | 'noTarget'
  | 'tooMany';

/** An error answered in SCIM's shape. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly scimType?: ScimType,
  ) {
    super(message);
    this.name = 'ScimError';
  }
}

const BY_CODE: Record<ErrorCode, { status: number; scimType?: ScimType }> = {
  bad_input: { status: 400, scimType: 'invalidValue' },
  not_grantable: { status: 400, scimType: 'invalidValue' },
  owner_protected: { status: 400, scimType: 'mutability' },
  last_admin: { status: 400, scimType: 'mutability' },
  last_role: { status: 400, scimType: 'mutability' },
  unauthorized: { status: 401 },
  forbidden: { status: 403 },
  not_found: { status: 404 },
  not_in_directory: { status: 404 },
  conflict: { status: 409, scimType: 'uniqueness' },
  invalid_state: { status: 409 },
  seat_limit: { status: 409 },
  already_decided: { status: 409 },
  // Only SCIM user changes carry a version (from If-Match or the read before a PATCH).
  stale: { status: 412 },
  rate_limited: { status: 429 },
  store_unreachable: { status: 503 },
};

/** The SCIM error for one of Roster's errors; something not found that an input field named (a role) is a bad value. */
export function scimErrorOf(code: ErrorCode, message: string, field?: string): ScimError {
  if (code === 'not_found' && field) return new ScimError(400, message, 'invalidValue');
  const { status, scimType } = BY_CODE[code];
  return new ScimError(status, message, scimType);
}

/** The body of a SCIM error response. */
export function errorBody(error: ScimError) {
  return {
    schemas: [ERROR_SCHEMA],
    status: String(error.status),
    ...(error.scimType ? { scimType: error.scimType } : {}),
    detail: error.message,
  };
}

/**
 * The SCIM error for anything a SCIM operation threw, or undefined for the unexpected (which is
 * logged and answered as a bare 500). Shared by the routes' error handler and /Bulk's operations.
 */
export function scimErrorFor(error: unknown): ScimError | undefined {
  if (error instanceof ScimError) return error;
  if (isRosterError(error)) return scimErrorOf(error.code, error.message, error.field);
  const unreachable = asStoreUnreachable(error);
  if (unreachable) return scimErrorOf(unreachable.code, unreachable.message);
  if (isUniqueViolation(error)) return new ScimError(409, 'A user with that userName already exists.', 'uniqueness');
  // The change's own schema (directory-change.ts) refusing what the edge let through, e.g. a value too long.
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    const field = issue?.path.filter((p) => p !== 'attributes').join('.') || 'the resource';
    return new ScimError(400, `${field} is not valid: ${issue?.message ?? 'malformed'}.`, 'invalidValue');
  }
  return undefined;
}
