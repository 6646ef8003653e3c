/** The modal behind Remove access and Revoke user on a review row: what will happen, and an optional note. */
import { Blocks, Elements, Modal } from 'slack-block-builder';
import { z } from 'zod';
import { accessLabel, removalLabel } from '../../domain/reviews/review-scope';
import type { ReviewRow } from '../../store/reviews/review-reads';
import { BLOCKS, VIEWS } from '../ids';
import { escapeMrkdwn } from './format';
import { reviewButtonSchema } from './review-page-message';

/** What the modal carries to its submission. */
export const reviewDecisionMetadataSchema = reviewButtonSchema.omit({ r: true }).extend({
  row: z.uuid(),
  d: z.enum(['keep', 'remove', 'revoke']),
  channelId: z.string().max(30).optional(),
  home: z.boolean().optional(),
});
export type ReviewDecisionMetadata = z.infer<typeof reviewDecisionMetadataSchema>;

/** `outcome`: what the decision would change, from a dry run; `waits`: whether it waits for an approver. */
export function reviewDecisionModal(
  row: ReviewRow,
  metadata: ReviewDecisionMetadata,
  preview: { outcome: string; waits: boolean },
) {
  const what = {
    keep: `Keep *${row.email}*'s ${escapeMrkdwn(accessLabel(row.access))}.`,
    remove: `For *${row.email}*: ${escapeMrkdwn(removalLabel(row.access))}.`,
    revoke: `Revoke *${row.email}*: their API key, passcode, password and pending links stop working.`,
  }[metadata.d];
  return Modal({
    title: { keep: 'Keep access', remove: 'Remove access', revoke: 'Revoke user' }[metadata.d],
    callbackId: VIEWS.reviewDecision,
    submit: { keep: 'Keep', remove: 'Remove', revoke: 'Revoke' }[metadata.d],
    close: 'Cancel',
    privateMetaData: JSON.stringify(metadata),
  })
    .blocks(
      Blocks.Section({ text: `${what}${preview.waits ? ' This waits for an approver before it happens.' : ''}` }),
      metadata.d === 'keep' ? undefined : Blocks.Context().elements(`Then: ${escapeMrkdwn(preview.outcome)}`),
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
