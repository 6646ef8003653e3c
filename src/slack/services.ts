/** The services the Slack surface calls; built once in main.ts. */
import type { Logger } from 'pino';
import type { AccessService } from '../domain/access/access-service';
import type { ApprovalService } from '../domain/approvals/approval-service';
import type { AuditService } from '../domain/audit/audit-service';
import type { CredentialService } from '../domain/credentials/credential-service';
import type { DeletionService } from '../domain/deletion/deletion-service';
import type { DirectoryService } from '../domain/directory/directory-service';
import type { ExportService } from '../domain/export/export-service';
import type { GroupService } from '../domain/groups/group-service';
import type { HomeService } from '../domain/home/home-service';
import type { InviteService } from '../domain/invites/invite-service';
import type { RoleService } from '../domain/users/role-service';
import type { UserService } from '../domain/users/user-service';
import type { ApprovalChannel } from './approval-channel';
import type { DirectMessages } from './slack-people';

export interface SlackServices {
  logger: Logger;
  access: AccessService;
  directory: DirectoryService;
  invites: InviteService;
  audit: AuditService;
  users: UserService;
  roles: RoleService;
  groups: GroupService;
  credentials: CredentialService;
  deletion: DeletionService;
  exports: ExportService;
  home: HomeService;
  approvals: ApprovalService;
  approvalChannel: ApprovalChannel;
  dm: DirectMessages;
}
