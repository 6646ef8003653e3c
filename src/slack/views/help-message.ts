/** `/users` and `/users help`: what Roster can do, with buttons for the common starts. */
import { Blocks, Elements, Message } from 'slack-block-builder';
import { ACTIONS, BLOCKS } from '../ids';
import type { Reply } from '../reply';

export function helpMessage(text: string): Reply {
  const message = Message()
    .text(text)
    .blocks(
      Blocks.Section({ text }),
      Blocks.Actions({ blockId: BLOCKS.helpActions }).elements(
        Elements.Button({ text: 'Invite', actionId: ACTIONS.helpInvite }).primary(),
        Elements.Button({ text: 'List', actionId: ACTIONS.helpList }),
        Elements.Button({ text: 'Bulk roles', actionId: ACTIONS.helpBulkRoles }),
        Elements.Button({ text: 'Export', actionId: ACTIONS.helpExport }),
      ),
    );
  return { text, blocks: message.getBlocks() };
}
