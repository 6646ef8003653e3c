/** The passcode tenure modal (card button Passcode). */
import { Bits, Blocks, Elements, Modal } from 'slack-block-builder';
import { BLOCKS, VIEWS } from '../ids';

const TENURES = [
  ['1 day', '1'],
  ['7 days', '7'],
  ['30 days', '30'],
  ['90 days (needs approval when approvals are on)', '90'],
] as const;

export function passcodeModal(metadata: { userId: string; email: string; channelId?: string }) {
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
          ...TENURES.map(([text, value]) => Bits.Option({ text, value })),
        ),
      ),
    )
    .buildToObject();
}
