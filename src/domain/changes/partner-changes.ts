/** Adding a partner to the account's list (the scopes a scoped role may take). */
import { fail } from '../../errors';
import { createPartner, findPartnerByKey } from '../../store/partners/partner-list';
import { partnerKey } from '../partners/partners';
import type { ChangeHandler } from './change-handler';

/** Adds a partner; a name the account already has, in any case, is refused naming the existing one. */
export const addPartner: ChangeHandler<'partner-add', { name: string }> = {
  permissions: () => ['roles:manage'],
  async apply(context, change) {
    const { tx, accountId } = context;
    const name = change.name.trim().replace(/\s+/g, ' ');
    if (name.length === 0 || name.length > 60) throw fail.badInput('A partner name is 1 to 60 characters.', { field: 'name' });
    const nameKey = partnerKey(name);
    // The account lock (taken by the change layer) serialises competing adds; the unique key backs it up.
    const existing = await findPartnerByKey(tx, accountId, nameKey);
    if (existing)
      throw fail.conflict(`The partner ${existing.name} already exists; see \`/users partner list\`.`, { field: 'name' });
    await createPartner(tx, accountId, name, nameKey);
    return {
      result: { name },
      stored: { ...change, name },
      summary: `Add the partner ${name}.`,
      outcome: `Added the partner ${name}.`,
      touched: [],
      targets: [],
      gains: [],
      facts: { users: 0 },
      audit: [{ action: 'partner.added', after: { name } }],
    };
  },
};
