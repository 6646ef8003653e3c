/** `/users scim-token [revoke]`: the bearer token the identity provider uses for SCIM (src/scim/). */
import { changeCommand } from './change-command';
import type { CommandHandler } from './command-context';
import type { CommandOf } from './users-command';

type ScimTokenCommand = CommandOf<'scim-token'>;

const createToken: CommandHandler<ScimTokenCommand> = changeCommand(
  () => ({ kind: 'scim-token' }),
  (result) => ({
    text: result.delivered
      ? `:white_check_mark: ${result.rotated ? 'New SCIM token' : 'SCIM token'} \`${result.prefix}…\` sent to you by DM (shown once)${result.rotated ? '; the previous one no longer works' : ''}. Give it to your identity provider with the base URL \`<PUBLIC_URL>/scim/v2\`.`
      : `:warning: The SCIM token could not be sent to you by DM, so it was ended${result.rotated ? ' (the previous one no longer works either)' : ''}. Open a DM with Roster and try again.`,
  }),
);

const revokeToken: CommandHandler<ScimTokenCommand> = changeCommand(
  () => ({ kind: 'scim-token-revoke' }),
  (result) => ({
    text: `:white_check_mark: SCIM token \`${result.prefix}…\` revoked; the identity provider's requests are refused from now on.`,
  }),
);

export const scimToken: CommandHandler<ScimTokenCommand> = (command, context) =>
  command.action === 'revoke' ? revokeToken(command, context) : createToken(command, context);
