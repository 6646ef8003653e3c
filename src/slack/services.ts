/** The services the Slack surface calls: the domain's, plus Slack's own DMs and approvals channel; built once in main.ts. */
import type { Services } from '../create-services';
import type { SettingsService } from '../domain/account/settings-service';
import type { ApprovalBoard } from '../domain/ports';
import type { DirectMessages } from './slack-people';
import type { ViewStateStore } from './views/view-state';

/** What every listener receives. */
export interface SlackServices extends Services {
  approvalChannel: ApprovalBoard;
  dm: DirectMessages;
  viewState: ViewStateStore;
  settings: SettingsService;
}
