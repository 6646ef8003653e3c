/** Credential subcommands: apikey, passcode grant / reset, password-link, signin. */

import type { Actor } from '../../domain/access/actor';
import type { UserRef } from '../../domain/directory/directory-service';
import { formatWhen } from '../../domain/format-when';
import type { Reply } from '../reply';
import type { SlackServices } from '../services';
import { submitChange } from '../submit-change';
import { issuedText, passcodeReply } from '../views/change-replies';
import { changeCommand } from './change-command';
import type { CommandHandler } from './command-context';
import type { CommandOf, UsersCommand } from './users-command';

type Handler<K extends UsersCommand['kind']> = CommandHandler<CommandOf<K>>;

/** A new API key for `who`, and where it went (command and card button alike). */
export function sendApiKey(services: SlackServices, actor: Actor, who: UserRef): Promise<Reply> {
  return submitChange(services, actor, { kind: 'api-key', user: who }, (issued) => ({
    text: issuedText(`New API key \`${issued.prefix}…\``, issued, 'The previous key no longer works.'),
  }));
}

export const apikey: Handler<'apikey'> = async (command, context) => {
  await context.respond(await sendApiKey(context.services, context.actor, command.who));
};

export const passcode: Handler<'passcode'> = changeCommand(
  (command) =>
    command.action === 'grant'
      ? { kind: 'grant-passcode', user: command.who, tenureDays: command.tenureDays }
      : { kind: 'reset-passcode', user: command.who },
  passcodeReply,
);

/**
 * Sends `who` a password link and reports each delivery problem (command and card button alike). The
 * link is shown to the admin who asked, in this reply only (ephemeral), to pass on where delivery failed.
 */
export function sendPasswordLink(services: SlackServices, actor: Actor, who: UserRef, endPassword = false): Promise<Reply> {
  return submitChange(services, actor, { kind: 'password-link', user: who, endPassword }, (result) => ({
    text: [
      `:envelope: Sent ${result.email} a password link, valid until ${formatWhen(result.expiresAt)}.${
        result.passwordEnded ? ' Their old password no longer works.' : ''
      }`,
      ...result.delivery.problems.map((p) => `• ${p}`),
      `Only you can see the link; if it did not reach them, pass it on privately:\n${result.link}`,
    ].join('\n'),
  }));
}

export const passwordLink: Handler<'password-link'> = async (command, context) => {
  await context.respond(await sendPasswordLink(context.services, context.actor, command.who, command.endPassword));
};

export const signin: Handler<'signin'> = changeCommand(
  (command) => ({ kind: 'sign-in', user: command.who, method: command.method }),
  (result) => ({
    text:
      result.method === 'google'
        ? `:white_check_mark: ${result.email} now signs in with Google; their password was cleared and password links are refused.`
        : `:white_check_mark: ${result.email} now signs in with a password; a link to set one was sent.`,
  }),
);
