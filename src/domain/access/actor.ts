/**
 * Who is acting: a directory user with the permissions their roles and extra grants give,
 * or Roster itself (the scheduler, the web pages) for changes nobody typed.
 */

import { fail } from '../../errors';
import type { AuditSource } from '../../store/records';
import { ALL_PERMISSIONS } from '../roles/catalog';
import type { AdminPermission } from '../roles/permissions';

export interface Actor {
  /** Directory user id; null for Roster itself. */
  userId: string | null;
  email: string;
  name: string | null;
  slackUserId?: string;
  roleKeys: readonly string[];
  permissions: ReadonlySet<string>;
  /** Where the request came from, for the audit trail. */
  source: AuditSource;
}

/** Roster acting on its own (scheduler runs, invitees on the web page, the managed product's API). */
export function systemActor(source: AuditSource): Actor {
  return { userId: null, email: 'roster', name: 'Roster', roleKeys: [], permissions: new Set([ALL_PERMISSIONS]), source };
}

/** Someone with a shell on the server (`npm run recover-owner`): the break-glass path when no owner can act. */
export function consoleActor(): Actor {
  return {
    userId: null,
    email: 'server console',
    name: 'Server console',
    roleKeys: [],
    permissions: new Set([ALL_PERMISSIONS]),
    source: 'console',
  };
}

/** Whether the actor holds a permission (an Admin's `*` holds them all). */
export function can(actor: Actor, permission: AdminPermission | string): boolean {
  return actor.permissions.has(ALL_PERMISSIONS) || actor.permissions.has(permission);
}

/** Refuses, with a message naming the missing permission, unless the actor holds it. */
export function requirePermission(actor: Actor, permission: AdminPermission): void {
  if (!can(actor, permission)) {
    throw fail.forbidden(`You need the \`${permission}\` permission for that. Ask an Admin to grant it.`);
  }
}

/** The same actor, acting from another surface (e.g. a modal after a command). */
export function from(actor: Actor, source: AuditSource): Actor {
  return { ...actor, source };
}

/** The identity provider acting over SCIM with the account's SCIM token: audited as source `scim`, never waits for approval. */
export function scimActor(): Actor {
  return {
    userId: null,
    email: 'identity provider (SCIM)',
    name: 'Identity provider',
    roleKeys: [],
    permissions: new Set([ALL_PERMISSIONS]),
    source: 'scim',
  };
}
