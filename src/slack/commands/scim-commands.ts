/** `/users scim-token [revoke]`: the bearer token the identity provider uses for SCIM (src/scim/). */
import { submitChange } from '../submit-change';
import type { CommandHandler } from './command-context';
import type { CommandOf } from './parse-users-command';

export const scimToken: CommandHandler<CommandOf<'scim-token'>> = async (command, { actor, services, respond }) => {
  if (command.action === 'revoke') {
    await respond(
      await submitChange(services, actor, { kind: 'scim-token-revoke' }, (result) => ({
        text: `:white_check_mark: SCIM token \`${result.prefix}…\` revoked; the identity provider's requests are refused from now on.`,
      })),
    );
    return;
  }
  await respond(
    await submitChange(services, actor, { kind: 'scim-token' }, (result) => ({
      text: result.delivered
        ? `:white_check_mark: ${result.rotated ? 'New SCIM token' : 'SCIM token'} \`${result.prefix}…\` sent to you by DM (shown once)${result.rotated ? '; the previous one no longer works' : ''}. Give it to your identity provider with the base URL \`<PUBLIC_URL>/scim/v2\`.`
        : `:warning: The SCIM token could not be sent to you by DM, so it was ended${result.rotated ? ' (the previous one no longer works either)' : ''}. Open a DM with Roster and try again.`,
    })),
  );
};
