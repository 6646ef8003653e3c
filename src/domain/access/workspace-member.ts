/**
 * Whose Slack profile may be linked to a directory user by its e-mail: only a member of the
 * account's own workspace (or, for an org-wide install, its Enterprise organisation). A Slack Connect
 * guest from another organisation, or a stranger Slack shows through a shared channel, can put any
 * address in their profile, so their e-mail proves nothing.
 */

import type { SlackProfile } from '../ports';

/** The port's profile, still importable from here (tests name it from this file). */
export type { SlackProfile } from '../ports';

/** The Slack workspace or organisation an account serves. */
export interface AccountHome {
  slackTeamId: string | null;
  slackEnterpriseId: string | null;
}

/** Whether `profile` is a member of the account's own workspace or organisation. */
export function isMemberOf(home: AccountHome, profile: SlackProfile): boolean {
  if (profile.stranger) return false;
  if (home.slackEnterpriseId && profile.enterpriseId === home.slackEnterpriseId) return true;
  return !!home.slackTeamId && profile.teamIds.includes(home.slackTeamId);
}
