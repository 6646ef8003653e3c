/** A time-bound grant as its notices show it (src/domain/ports.ts's `GrantNotice`), from the store's row. */
import type { GrantForNotice } from '../../store/grants/grant-reads';
import { grantAccessLabel } from '../directory/user-view';
import type { GrantNotice } from '../ports';

export function grantNotice(grant: GrantForNotice): GrantNotice {
  return {
    id: grant.id,
    access: grantAccessLabel(grant),
    holder: { email: grant.user.email, name: grant.user.name },
    reason: grant.reason,
    startsAt: grant.startsAt,
    endsAt: grant.endsAt,
    endedAt: grant.endedAt,
    endReason: grant.endReason,
    endedBy: grant.endedBy,
    breakGlass: grant.breakGlass,
    grantedBy: grant.grantedBy,
  };
}
