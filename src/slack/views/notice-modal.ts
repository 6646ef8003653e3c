/** A modal that only says something: pushed over a submitted form Roster could not take (closing it goes back to the form). */
import { Blocks, Modal } from 'slack-block-builder';

/** A modal saying `text`, with a Back button. */
export function noticeModal(text: string) {
  return Modal({ title: 'Roster', close: 'Back' }).blocks(Blocks.Section({ text })).buildToObject();
}
