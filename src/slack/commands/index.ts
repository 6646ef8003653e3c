/**
 * Registers `/users`: acknowledge at once, parse the text with zod, resolve who is asking,
 * run the subcommand's handler, and map any error to an ephemeral answer in one place.
 */
import type { App } from '@slack/bolt';
import { servicesIn } from '../account-context';
import { publishHome } from '../events';
import type { Reply } from '../reply';
import { respondSafely } from '../respond-safely';
import * as approvalCommands from './approval-commands';
import * as auditCommands from './audit-commands';
import type { CommandContext, CommandHandler } from './command-context';
import * as credentialCommands from './credential-commands';
import * as deleteCommands from './delete-commands';
import * as directory from './directory-commands';
import * as exportCommands from './export-commands';
import { firstApprover } from './first-approver-command';
import * as grantCommands from './grant-commands';
import * as groupCommands from './group-commands';
import * as invites from './invite-commands';
import { parseUsersCommand } from './parse-users-command';
import * as partnerCommands from './partner-commands';
import { review } from './review-commands';
import * as scimCommands from './scim-commands';
import * as userCommands from './user-commands';
import type { CommandOf, UsersCommand } from './users-command';
import * as webhookCommands from './webhook-commands';

type Handlers = { [K in UsersCommand['kind']]?: CommandHandler<CommandOf<K>> };

/** Subcommand kind → handler. Kinds without one are answered "not available". */
export const COMMAND_HANDLERS: Handlers = {
  home: directory.home,
  help: directory.help,
  list: directory.list,
  show: directory.show,
  seats: directory.seats,
  invite: invites.invite,
  'invite-modal': invites.inviteModalCommand,
  resend: invites.resend,
  'invite-link': invites.inviteLink,
  approvals: approvalCommands.approvals,
  edit: userCommands.edit,
  roles: userCommands.roles,
  'bulk-roles': userCommands.bulkRoles,
  perms: userCommands.perms,
  'timed-grant': grantCommands.timedGrant,
  request: grantCommands.request,
  temporary: grantCommands.temporary,
  groups: userCommands.groups,
  props: userCommands.props,
  disable: userCommands.disable,
  enable: userCommands.enable,
  revoke: userCommands.revoke,
  owner: userCommands.owner,
  'first-approver': firstApprover,
  group: groupCommands.group,
  partner: partnerCommands.partner,
  'scim-token': scimCommands.scimToken,
  webhook: webhookCommands.webhook,
  review,
  apikey: credentialCommands.apikey,
  passcode: credentialCommands.passcode,
  'password-link': credentialCommands.passwordLink,
  signin: credentialCommands.signin,
  delete: deleteCommands.deleteUsers,
  export: exportCommands.exportUsers,
  audit: auditCommands.audit,
};

/** Subcommands that change nothing, so App Home needs no refresh after them. */
const READ_ONLY = new Set<UsersCommand['kind']>([
  'home',
  'help',
  'list',
  'temporary',
  'show',
  'seats',
  'audit',
  'approvals',
  'export',
  'invite-modal',
  'bulk-roles',
]);

export function registerCommands(app: App, handlers: Handlers = COMMAND_HANDLERS): void {
  app.command('/users', async ({ ack, command, respond, context }) => {
    const services = servicesIn(context);
    await ack();
    const reply = async (message: Reply) => {
      await respond({ response_type: 'ephemeral', replace_original: false, ...message } as Parameters<typeof respond>[0]);
    };
    await respondSafely(services.logger, reply, async () => {
      const parsed = parseUsersCommand(command.text);
      const actor = await services.access.actorForSlackUser(command.user_id, 'command');
      const context: CommandContext = {
        actor,
        services,
        respond: reply,
        triggerId: command.trigger_id,
        slackUserId: command.user_id,
        channelId: command.channel_id,
      };
      const handler = handlers[parsed.kind] as CommandHandler<UsersCommand> | undefined;
      if (!handler) {
        await reply({ text: `\`/users ${parsed.kind}\` is not available yet.` });
        return;
      }
      await handler(parsed, context);
      if (!READ_ONLY.has(parsed.kind)) void publishHome(services, command.user_id);
    });
  });
}
