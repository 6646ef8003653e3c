/** The modal behind Remove access and Revoke user on a review row: what will happen, and an optional note. */
import { Blocks, Elements, Modal } from 'slack-block-builder';
import { removalLabel } from '../../domain/reviews/review-scope';
import type { ReviewRow } from '../../store/reviews/review-reads';
import { BLOCKS, VIEWS } from '../ids';

/** What the modal carries to its submission. */
export interface ReviewDecisionMetadata {
  c: string;
  n: number;
  p: number;
  row: string;
  d: 'remove' | 'revoke';
  channelId?: string;
  home?: boolean;
}

export function reviewDecisionModal(row: ReviewRow, metadata: ReviewDecisionMetadata, waits: boolean) {
  const what =
    metadata.d === 'revoke'
      ? `Revoke *${row.email}*: their API key, passcode, password and pending links stop working.`
      : `For *${row.email}*: ${removalLabel(row.access)}.`;
  return Modal({
    title: metadata.d === 'revoke' ? 'Revoke user' : 'Remove access',
    callbackId: VIEWS.reviewDecision,
    submit: metadata.d === 'revoke' ? 'Revoke' : 'Remove',
    close: 'Cancel',
    privateMetaData: JSON.stringify(metadata),
  })
    .blocks(
      Blocks.Section({ text: `${what}${waits ? ' This waits for an approver before it happens.' : ''}` }),
      Blocks.Input({ label: 'Note for the record', blockId: BLOCKS.reviewNote })
        .optional()
        .element(
          Elements.TextInput({
            actionId: BLOCKS.reviewNote,
            placeholder: 'Why (kept in the review’s report)',
            maxLength: 500,
          }).multiline(),
        ),
    )
    .buildToObject();
}
