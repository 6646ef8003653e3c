/**
 * A run of `scim-user` creates applied together, for SCIM /Bulk's first syncs: one clash query, the
 * roles read once, three inserts for all the users, their roles and their properties, one read of the
 * new users; then each change's `Applied` made by the one-by-one create's own code (`appliedOf`), so
 * the change layer checks the rules once for the run, bumps, and records the same trail. Only the
 * ordinary case goes together: a change that names a user, sets roles, clashes with a user or with
 * another change of the run, or is refused in any way throws, and the change layer undoes the run and
 * applies its changes one by one, so every refusal is the single path's own.
 */

import { randomUUID } from 'node:crypto';
import {
  anyUserNamed,
  createProvisionedUsers,
  findUserRecordsByIds,
  type NewProvisionedUser,
} from '../../store/users/scim-user-batch-writes';
import type { UserRecord } from '../../store/users/user-reads';
import { isValidEmail, normaliseEmail } from '../email';
import { timeBoundOnlyRoles } from '../grants/grant-policy';
import { checkScopes, scopeKey } from '../partners/partners';
import type { Applied, ChangeContext } from './change-handler';
import type { ChangeOf } from './directory-change';
import { holdingsFor, provisionedFields } from './scim-changes';

/** The run cannot go together; the change layer applies its changes one by one. */
export class NotTogether extends Error {
  constructor(reason: string) {
    super(`not applied together: ${reason}`);
    this.name = 'NotTogether';
  }
}

/**
 * Creates the users of `changes` (creates that name no roles) together; `appliedOf` is the one-by-one
 * create's account of one user's creation (scim-changes.ts).
 */
export async function applyCreatesTogether<R>(
  context: ChangeContext,
  changes: readonly ChangeOf<'scim-user'>[],
  appliedOf: (change: ChangeOf<'scim-user'>, after: UserRecord) => Promise<Applied<R>>,
): Promise<Applied<R>[]> {
  const { tx, accountId } = context;
  // Every e-mail and userName of the run, lower-cased: none may be named twice, nor be anyone's already.
  const keys = new Set<string>();
  const claim = (key: string) => {
    if (keys.has(key)) throw new NotTogether(`${key} is named twice`);
    keys.add(key);
  };
  const users: NewProvisionedUser[] = changes.map((change) => {
    const attrs = change.attributes;
    if (change.user || attrs.roles !== undefined) throw new NotTogether('an update, or roles');
    // The checks of scimUser.apply before it creates; a refusal is left to the one-by-one path to word.
    const email = normaliseEmail(attrs.email);
    const name = attrs.name?.trim() || null;
    if (!isValidEmail(email) || (name && name.length > 200)) throw new NotTogether('a value the create refuses');
    claim(email);
    const userNameKey = attrs.userName?.toLowerCase();
    if (userNameKey !== undefined && userNameKey !== email) claim(userNameKey);
    return { id: randomUUID(), ...provisionedFields(change, { email, name }), roles: [] };
  });
  if (await anyUserNamed(tx, accountId, [...keys])) throw new NotTogether('a name already in use');
  // Without roles every new user gets the same holdings (the default role), checked once for the run.
  const wanted = await holdingsFor(context, [], undefined);
  if (!wanted || wanted.length === 0) throw new NotTogether('no default role');
  // A default role the catalog gives only for a while: each create refuses it on its own, in its words.
  const timeBoundOnly = new Set(timeBoundOnlyRoles(context.grantPolicy));
  if (wanted.some((h) => timeBoundOnly.has(h.role.key))) throw new NotTogether('a role given only for a while');
  const rows = (await checkScopes(tx, accountId, wanted, 'roles')).map((h) => ({
    roleId: h.role.id,
    scope: h.scope,
    scopeKey: scopeKey(h.scope),
  }));
  for (const user of users) user.roles = rows;
  await createProvisionedUsers(tx, accountId, users, context.clock.now());
  const records = new Map(
    (
      await findUserRecordsByIds(
        tx,
        accountId,
        users.map((u) => u.id),
      )
    ).map((r) => [r.id, r]),
  );
  const applied: Applied<R>[] = [];
  for (const [i, change] of changes.entries()) {
    const after = records.get((users[i] as NewProvisionedUser).id);
    if (!after) throw new NotTogether('a new user was not read back');
    applied.push(await appliedOf(change, after));
  }
  return applied;
}
