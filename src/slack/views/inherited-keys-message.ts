/**
 * The owner's DM after a deletion moved API keys to them: each key by prefix and whom it was issued
 * to, with a Revoke button (value: the key's id) that ends it.
 */
import { Bits, Blocks, Elements, Message } from 'slack-block-builder';
import type { InheritedKeyNotice } from '../../domain/ports';
import type { Reply } from '../reply';
import { escapeMrkdwn } from './format';

/** The Revoke button's action id. */
export const INHERITED_KEY_REVOKE = 'inherited-key.revoke';

/** Keys one message lists: a message holds 50 blocks, and the first two explain. */
const KEYS_PER_MESSAGE = 45;

/** The DMs telling the owner of `keys`, as many messages as Block Kit's limits need. */
export function inheritedKeysMessages(keys: InheritedKeyNotice[]): Reply[] {
  const messages: Reply[] = [];
  for (let start = 0; start < keys.length; start += KEYS_PER_MESSAGE) {
    messages.push(inheritedKeysMessage(keys.slice(start, start + KEYS_PER_MESSAGE), keys.length));
  }
  return messages;
}

function inheritedKeysMessage(keys: InheritedKeyNotice[], total: number): Reply {
  const text = `:key: ${total === 1 ? 'An API key of a deleted user now belongs' : `${total} API keys of deleted users now belong`} to you, so integrations using ${total === 1 ? 'it' : 'them'} keep running. They act as you, with your access. Revoke any you do not need.`;
  const message = Message()
    .text(text)
    .blocks(
      Blocks.Section({ text }),
      ...keys.map((key) =>
        Blocks.Section({ text: `\`${escapeMrkdwn(key.prefix)}…\` inherited from ${escapeMrkdwn(key.fromEmail)}` }).accessory(
          Elements.Button({ text: 'Revoke', actionId: INHERITED_KEY_REVOKE, value: key.id })
            .danger()
            .confirm(
              Bits.ConfirmationDialog({
                title: 'Revoke this API key?',
                text: `The key \`${escapeMrkdwn(key.prefix)}…\` stops working at once; whatever uses it loses access.`,
                confirm: 'Revoke',
                deny: 'Cancel',
              }).danger(),
            ),
        ),
      ),
      Blocks.Context().elements('Your user card (`/users show <your e-mail>`) lists them too.'),
    );
  return { text, blocks: message.getBlocks() };
}
