/** Adding, renaming and deleting the account's partners (the scopes a scoped role may take). */
import { fail } from '../../errors';
import { findPartnerHolders } from '../../store/partners/partner-holdings';
import { createPartner, findPartnerByKey } from '../../store/partners/partner-list';
import { deletePartner, moveHoldings, renamePartner } from '../../store/partners/partner-writes';
import type { Partner } from '../../store/records';
import { partnerKey } from '../partners/partners';
import type { ChangeContext, ChangeHandler } from './change-handler';

/** A partner's name as kept: spaces collapsed, 1 to 60 characters (refused on `field` otherwise). */
function cleanPartnerName(text: string, field: string): string {
  const name = text.trim().replace(/\s+/g, ' ');
  if (name.length === 0 || name.length > 60) throw fail.badInput('A partner name is 1 to 60 characters.', { field });
  return name;
}

/** The account's partner of this name (any case), or a refusal on `field` saying how to see the list. */
async function existingPartner(context: ChangeContext, name: string, field: string): Promise<Partner> {
  const partner = await findPartnerByKey(context.tx, context.accountId, partnerKey(name));
  if (!partner) throw fail.notFound(`There is no partner \`${name}\`; see \`/users partner list\`.`, { field });
  return partner;
}

/** Addresses for a sentence: the first ten, then how many more. */
function someEmails(emails: string[]): string {
  const more = emails.length > 10 ? ` and ${emails.length - 10} more` : '';
  return emails.slice(0, 10).join(', ') + more;
}

/** Adds a partner; a name the account already has, in any case, is refused naming the existing one. */
export const addPartner: ChangeHandler<'partner-add', { name: string }> = {
  permissions: () => ['roles:manage'],
  async apply(context, change) {
    const { tx, accountId } = context;
    const name = cleanPartnerName(change.name, 'name');
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

/** Renames a partner; everyone who holds it keeps it under the new name. */
export const renamePartnerChange: ChangeHandler<'partner-rename', { from: string; to: string; holders: number }> = {
  permissions: () => ['roles:manage'],
  async apply(context, change) {
    const { tx, accountId } = context;
    const partner = await existingPartner(context, change.name, 'name');
    const to = cleanPartnerName(change.to, 'to');
    const nameKey = partnerKey(to);
    const clash = nameKey === partner.nameKey ? null : await findPartnerByKey(tx, accountId, nameKey);
    if (clash) throw fail.conflict(`The partner ${clash.name} already exists; choose another name.`, { field: 'to' });
    const holders = await findPartnerHolders(tx, accountId, partner.nameKey);
    await renamePartner(tx, accountId, partner.id, partner.nameKey, { name: to, nameKey });
    const ids = holders.map((h) => h.id);
    return {
      result: { from: partner.name, to, holders: holders.length },
      stored: change,
      summary: `Rename the partner ${partner.name} to ${to} (its ${holders.length} users keep it).`,
      outcome: `Renamed the partner ${partner.name} to ${to}.`,
      touched: ids,
      targets: ids,
      gains: [],
      facts: { users: holders.length },
      audit: [{ action: 'partner.renamed', before: { name: partner.name }, after: { name: to, users: holders.length } }],
    };
  },
};

/**
 * Deletes a partner. While anyone holds it the delete is refused naming them, unless `reassign` names
 * another partner their holdings move to.
 */
export const deletePartnerChange: ChangeHandler<
  'partner-delete',
  { name: string; reassignedTo: string | null; holders: string[] }
> = {
  permissions: () => ['roles:manage'],
  async apply(context, change) {
    const { tx, accountId } = context;
    const partner = await existingPartner(context, change.name, 'name');
    const target = change.reassign ? await existingPartner(context, change.reassign, 'reassign') : null;
    if (target && target.id === partner.id) {
      throw fail.badInput(`Reassign to another partner than ${partner.name}.`, { field: 'reassign' });
    }
    const holders = await findPartnerHolders(tx, accountId, partner.nameKey);
    const emails = holders.map((h) => h.email);
    if (holders.length > 0 && !target) {
      throw fail.conflict(
        `${partner.name} is held by ${someEmails(emails)}. Move them with \`/users partner delete "${partner.name}" --reassign <partner>\`, or take it away with \`/users roles <who> -partner=${partner.name}\`.`,
        { field: 'name' },
      );
    }
    if (target) await moveHoldings(tx, accountId, partner.nameKey, { name: target.name, nameKey: target.nameKey });
    await deletePartner(tx, partner.id);
    const ids = holders.map((h) => h.id);
    const moved = target && holders.length > 0 ? ` (its ${holders.length} users move to ${target.name})` : '';
    return {
      result: { name: partner.name, reassignedTo: target?.name ?? null, holders: emails },
      stored: change,
      summary: `Delete the partner ${partner.name}${moved}.`,
      outcome: `Deleted the partner ${partner.name}${moved}.`,
      touched: ids,
      targets: ids,
      gains: [],
      facts: { users: holders.length },
      audit: [
        {
          action: 'partner.deleted',
          before: { name: partner.name, users: emails },
          ...(target ? { after: { reassignedTo: target.name } } : {}),
        },
      ],
    };
  },
};
