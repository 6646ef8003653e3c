/** Revoke on the owner's DM of inherited API keys: ends that key through the change layer. */
import type { ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Actor } from '../../domain/access/actor';
import { fail } from '../../errors';
import type { Reply } from '../reply';
import type { SlackServices } from '../services';
import { submitChange } from '../submit-change';
import { escapeMrkdwn } from '../views/format';

const keyId = z.uuid();

/** The button's work (registered with `onButton` in index.ts): the value is the key's id, checked first. */
export async function revokeInheritedKey(args: {
  services: SlackServices;
  actor: Actor;
  action: ButtonAction;
  reply: (message: Reply) => Promise<void>;
}): Promise<void> {
  const { services, actor, action, reply } = args;
  const id = keyId.safeParse(action.value);
  if (!id.success) throw fail.badInput('That button is out of date; revoke the key from the owner’s card instead.');
  await reply(
    await submitChange(services, actor, { kind: 'inherited-key-revoke', key: id.data }, (revoked) => ({
      text: `:white_check_mark: Revoked the API key \`${revoked.prefix}…\` inherited from ${escapeMrkdwn(revoked.fromEmail)}; it no longer works.`,
    })),
  );
}
