/** The one mapping from Roster's error vocabulary to HTTP statuses, for the API and the pages. */
import type { ErrorCode } from '../errors';

const STATUS: Record<ErrorCode, number> = {
  bad_input: 400,
  unauthorized: 401,
  forbidden: 403,
  owner_protected: 403,
  not_grantable: 403,
  not_found: 404,
  not_in_directory: 404,
  conflict: 409,
  invalid_state: 409,
  seat_limit: 409,
  last_admin: 409,
  last_role: 409,
  already_decided: 409,
  stale: 409,
  rate_limited: 429,
  store_unreachable: 503,
};

export function httpStatusOf(code: ErrorCode): number {
  return STATUS[code];
}
