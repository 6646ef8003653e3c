/** The bulk roles flow: pick users and roles → a review of every change (a dry run) → save, or ask for approval. */
import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { splitEmailList } from '../../domain/email';
import { fail } from '../../errors';
import { BLOCKS, VIEWS } from '../ids';
import type { SlackServices } from '../services';
import { submitChange } from '../submit-change';
import { packMetadata, parseMetadata, selectedMany, submit, text, unpackMetadata } from './modal-submission';
import { bulkRolesReview, type ModalMetadata } from './user-modals';

export function registerBulkRolesSubmissions(app: App, services: SlackServices): void {
  app.view<ViewSubmitAction>(VIEWS.bulkRoles, async ({ ack, body, view, client }) => {
    const metadata = parseMetadata(view.private_metadata);
    const values = view.state.values;
    const fields = { users: BLOCKS.bulkUsers, roles: BLOCKS.bulkAssign };
    await submit(services, { ack, body, client }, fields, metadata.channelId, async (actor) => {
      const emails = [...new Set(splitEmailList(text(values, BLOCKS.bulkUsers) ?? ''))];
      const invalid = emails.filter((email) => !z.email().safeParse(email).success);
      if (emails.length === 0) throw fail.badInput('Give at least one e-mail address.', { field: 'users' });
      if (invalid.length > 0) throw fail.badInput(`Not e-mail addresses: ${invalid.join(', ')}.`, { field: 'users' });
      if (emails.length > 500) throw fail.badInput('At most 500 users at once.', { field: 'users' });
      const change = {
        kind: 'bulk-roles' as const,
        emails,
        add: selectedMany(values, BLOCKS.bulkAssign),
        remove: selectedMany(values, BLOCKS.bulkUnassign),
      };
      const preview = await services.changes.preview(actor, change);
      const next: ModalMetadata = { channelId: metadata.channelId, emails, assign: change.add, unassign: change.remove };
      return { update: bulkRolesReview(preview.result, await packMetadata(services, actor, next), preview.approval !== null) };
    });
  });

  app.view<ViewSubmitAction>(VIEWS.bulkRolesReview, async ({ ack, body, view, client }) => {
    const carried = parseMetadata(view.private_metadata);
    await submit(services, { ack, body, client }, {}, carried.channelId, async (actor) => {
      const metadata = await unpackMetadata(services, actor, carried);
      const change = {
        kind: 'bulk-roles' as const,
        emails: metadata.emails ?? [],
        add: metadata.assign ?? [],
        remove: metadata.unassign ?? [],
      };
      return submitChange(services, actor, change, (previews) => {
        const changed = previews.filter((p) => p.before.join() !== p.after.join()).length;
        return { text: `:white_check_mark: Saved: roles of ${changed} of ${previews.length} users changed.` };
      });
    });
  });
}
