/** The passcode tenure modal (card button Passcode). */
import { Bits, Blocks, Elements, Modal } from 'slack-block-builder';
import { TENURES } from '../../domain/credentials/credential-service';
import { BLOCKS, VIEWS } from '../ids';

/** `needsApproval` says which tenures will wait for an approver, so the choice shows it. */
export function passcodeModal(
  metadata: { userId: string; email: string; channelId?: string },
  needsApproval: (days: number) => boolean,
) {
  const label = (days: number) => `${days} day${days === 1 ? '' : 's'}${needsApproval(days) ? ' (needs approval)' : ''}`;
  return Modal({
    title: 'Grant a passcode',
    callbackId: VIEWS.passcode,
    submit: 'Grant',
    close: 'Cancel',
    privateMetaData: JSON.stringify(metadata),
  })
    .blocks(
      Blocks.Section({
        text: `A time-limited API passcode for *${metadata.email}*, sent to them by DM. Any current passcode stops working.`,
      }),
      Blocks.Input({ label: 'Valid for', blockId: BLOCKS.passcodeTenure }).element(
        Elements.StaticSelect({ actionId: BLOCKS.passcodeTenure, placeholder: 'Choose' }).options(
          ...TENURES.map((days) => Bits.Option({ text: label(days), value: String(days) })),
        ),
      ),
    )
    .buildToObject();
}
