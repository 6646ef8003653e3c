/** `/users` and `/users help`: what Roster can do, with buttons for the common starts. */
import { Blocks, Elements, Message } from 'slack-block-builder';
import { ACTIONS, BLOCKS } from '../ids';
import type { Reply } from '../reply';
import { chunkLines, LIMITS } from './block-limits';

export function helpMessage(text: string): Reply {
  const message = Message()
    .text(text)
    .blocks(
      // The help outgrew one section's 3 000 characters: spread its lines over as many as it needs.
      ...chunkLines(text.split('\n'), LIMITS.sectionText, 10).map((chunk) => Blocks.Section({ text: chunk })),
      Blocks.Actions({ blockId: BLOCKS.helpActions }).elements(
        Elements.Button({ text: 'Invite', actionId: ACTIONS.helpInvite }).primary(),
        Elements.Button({ text: 'List', actionId: ACTIONS.helpList }),
        Elements.Button({ text: 'Bulk roles', actionId: ACTIONS.helpBulkRoles }),
        Elements.Button({ text: 'Export', actionId: ACTIONS.helpExport }),
      ),
    );
  return { text, blocks: message.getBlocks() };
}
