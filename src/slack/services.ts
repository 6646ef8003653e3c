/**
 * What the Slack surface calls, declared beside its listeners: the domain services its commands,
 * buttons, modals and App Home use, plus Slack's own DMs, approvals channel and view state. The web
 * side's (sign-in links, the forgot-password request, credential reveal pages) are not in it.
 */
import type { Services } from '../create-services';
import type { ApprovalBoard } from '../domain/ports';
import type { SlackApi } from './slack-api';
import type { DirectMessages } from './slack-people';
import type { ViewStateStore } from './views/view-state';

/** The domain services the Slack listeners use. */
export const SLACK_DOMAIN_SERVICES = [
  'logger',
  'passcodeNeedsApproval',
  'audit',
  'directory',
  'access',
  'changes',
  'approvals',
  'ownership',
  'roles',
  'groups',
  'deletion',
  'exports',
  'home',
  'invites',
  'partners',
  'signIn',
  'settings',
  'webhooks',
  'reviews',
  'grants',
] as const satisfies readonly (keyof Services)[];

/** What every listener receives. */
export type SlackServices = Pick<Services, (typeof SLACK_DOMAIN_SERVICES)[number]> & {
  /** Slack's Web API with the workspace's bot token; listeners call Slack through it, not through Bolt's `client`. */
  client: SlackApi;
  approvalChannel: ApprovalBoard;
  dm: DirectMessages;
  viewState: ViewStateStore;
  /** Sends the break-glass notices waiting in the outbox now (one just taken), as the scheduler would. */
  sendBreakGlassNotices: () => Promise<unknown>;
};

/** The Slack surface's part of an account's domain services, and nothing else. */
export function slackServicesOf(
  domain: Services,
  own: Pick<SlackServices, 'client' | 'approvalChannel' | 'dm' | 'viewState' | 'sendBreakGlassNotices'>,
): SlackServices {
  const picked = Object.fromEntries(SLACK_DOMAIN_SERVICES.map((key) => [key, domain[key]]));
  return { ...(picked as Pick<Services, (typeof SLACK_DOMAIN_SERVICES)[number]>), ...own };
}
