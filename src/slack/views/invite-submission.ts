/** Submission of the invite modal: the same invite service as the command, errors on the field at fault. */
import type { App, ViewSubmitAction } from '@slack/bolt';
import { servicesIn } from '../account-context';
import { parseInvitees } from '../commands/parse-users-command';
import { BLOCKS, VIEWS } from '../ids';
import { submitChange } from '../submit-change';
import { inviteResultMessage } from './invite-result-message';
import { parseMetadata, productLevels, selectedMany, selectedOneOrMany, submit, text } from './modal-submission';

export function registerInviteSubmission(app: App): void {
  app.view<ViewSubmitAction>(VIEWS.invite, async ({ ack, body, view, context }) => {
    const services = servicesIn(context);
    const metadata = parseMetadata(view.private_metadata);
    const values = view.state.values;
    const { blocks: productBlocks, levels: products } = productLevels(values, BLOCKS.inviteProductPrefix);
    const fields = {
      emails: BLOCKS.inviteEmails,
      role: BLOCKS.inviteRole,
      roles: BLOCKS.inviteRole,
      products: productBlocks[0] ?? BLOCKS.inviteRole,
      groups: BLOCKS.inviteGroups,
      perms: BLOCKS.invitePerms,
      note: BLOCKS.inviteNote,
      partners: BLOCKS.invitePartners,
    };
    await submit(services, { ack, body }, fields, metadata.channelId, (actor) => {
      const { emails, people } = parseInvitees(text(values, BLOCKS.inviteEmails) ?? '');
      const change = {
        kind: 'invite' as const,
        emails,
        people,
        roles: selectedOneOrMany(values, BLOCKS.inviteRole),
        products,
        groups: selectedMany(values, BLOCKS.inviteGroups),
        perms: selectedMany(values, BLOCKS.invitePerms),
        note: text(values, BLOCKS.inviteNote),
        partners: selectedMany(values, BLOCKS.invitePartners),
      };
      return submitChange(services, actor, change, inviteResultMessage);
    });
  });
}
