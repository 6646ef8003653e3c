/** Roles as the forms offer them: name and precedence, with the catalog's description under each. */
import { Bits } from 'slack-block-builder';
import type { MultipleRoles } from '../../domain/roles/precedence';
import type { Role } from '../../store/records';

/** A select option for a role; Slack shows the description (at most 75 characters) beneath its name. */
export function roleOption(role: Pick<Role, 'key' | 'name' | 'description' | 'scoped'>) {
  const text = role.scoped ? `${role.name} (scoped)` : role.name;
  const description = role.description.trim();
  return Bits.Option({
    text: text.slice(0, 75),
    value: role.key,
    description: description ? (description.length > 75 ? `${description.slice(0, 74)}…` : description) : undefined,
  });
}

/** What holding several roles means under the catalog's policy, for the forms' hints. */
export function roleHint(policy: MultipleRoles): string {
  return policy === 'highest'
    ? 'With several roles, the one of highest precedence is in force; the others are kept but overridden.'
    : 'With several roles, the user has the permissions of all of them.';
}

/** One line per role for a form or help: name, precedence, description. */
export function roleLine(role: Pick<Role, 'key' | 'name' | 'description' | 'precedence' | 'product' | 'scoped'>): string {
  const what = [`precedence ${role.precedence}`, role.product ? `product ${role.product}` : '', role.scoped ? 'scoped' : '']
    .filter(Boolean)
    .join(', ');
  return `• *${role.name}* (\`${role.key}\`, ${what})${role.description ? ` — ${role.description}` : ''}`;
}
