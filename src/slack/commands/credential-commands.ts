/** Credential subcommands: apikey, passcode grant / reset, password-link, signin. */

import type { IssuedSecret } from '../../domain/credentials/credential-service';
import type { UserRef } from '../../domain/directory/directory-service';
import { formatWhen } from '../../domain/format-when';
import type { Reply } from '../reply';
import { runOrRequestApproval } from './approval-gate';
import type { CommandContext, CommandHandler } from './command-context';
import type { CommandOf } from './parse-users-command';

/** What the admin reads: where the secret went (never the secret itself). */
export function issuedText(what: string, issued: IssuedSecret): string {
  if (issued.delivered)
    return `:white_check_mark: ${what} for ${issued.email}; it was sent to them by DM and is shown only there.`;
  return `:warning: ${what} for ${issued.email} is saved, but ${issued.problem}. Nobody has seen it: issue a new one once they can be reached.`;
}

type Answering = Pick<CommandContext, 'actor' | 'services' | 'respond'>;

/** Generates a key for `who` and says where it went (command and card button alike). */
export async function sendApiKey({ actor, services, respond }: Answering, who: UserRef): Promise<void> {
  const issued = await services.credentials.generateApiKey(actor, who);
  await respond({ text: `${issuedText(`New API key \`${issued.prefix}…\``, issued)} The previous key no longer works.` });
}

export const apikey: CommandHandler<CommandOf<'apikey'>> = async (command, context) => {
  await sendApiKey(context, command.who);
};

/** Grants a passcode, through approval when its tenure is over the policy's limit. */
export async function grantPasscode(
  context: Pick<CommandContext, 'actor' | 'services' | 'respond'>,
  who: UserRef,
  tenureDays: number,
) {
  const { services, actor, respond } = context;
  const run = async () => {
    const issued = await services.credentials.grantPasscode(actor, who, tenureDays);
    await respond(passcodeReply(issued));
  };
  if (tenureDays <= services.approvals.passcodeMaxDays) return run();
  const user = await services.directory.findUser(who);
  await runOrRequestApproval(context, { action: 'passcode-long', input: { email: user.email, tenureDays } }, run);
}

function passcodeReply(issued: IssuedSecret): Reply {
  return { text: issuedText(`A passcode valid until ${issued.expiresAt ? formatWhen(issued.expiresAt) : '?'}`, issued) };
}

export const passcode: CommandHandler<CommandOf<'passcode'>> = async (command, context) => {
  if (command.action === 'grant') {
    await grantPasscode(context, command.who, command.tenureDays);
    return;
  }
  const { services, actor, respond } = context;
  const tenure = await services.credentials.currentTenure(command.who);
  if (tenure !== null && tenure > services.approvals.passcodeMaxDays) {
    await grantPasscode(context, command.who, tenure);
    return;
  }
  await respond(passcodeReply(await services.credentials.resetPasscode(actor, command.who)));
};

export const passwordLink: CommandHandler<CommandOf<'password-link'>> = async (command, context) => {
  await sendPasswordLink(context, command.who);
};

/** Sends `who` a password link and reports each delivery problem (command and card button alike). */
export async function sendPasswordLink({ actor, services, respond }: Answering, who: UserRef): Promise<void> {
  const result = await services.credentials.sendPasswordLink(actor, who);
  const problems = result.delivery.problems.map((p) => `• ${p}`);
  await respond({
    text: [`:envelope: Sent ${result.email} a password link, valid until ${formatWhen(result.expiresAt)}.`, ...problems].join(
      '\n',
    ),
  });
}

export const signin: CommandHandler<CommandOf<'signin'>> = async (command, { actor, services, respond }) => {
  const result = await services.credentials.setSignInMethod(actor, command.who, command.method);
  await respond({
    text:
      result.method === 'google'
        ? `:white_check_mark: ${result.email} now signs in with Google; their password was cleared and password links are refused.`
        : `:white_check_mark: ${result.email} now signs in with a password; a link to set one was sent.`,
  });
};
