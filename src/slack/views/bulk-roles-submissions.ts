/** The bulk roles flow: pick users and roles → a review of every change (a dry run) → save, or ask for approval. */
import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { splitEmailList } from '../../domain/email';
import { fail } from '../../errors';
import { runOrRequestApproval } from '../commands/approval-gate';
import { BLOCKS, VIEWS } from '../ids';
import type { SlackServices } from '../services';
import { captureReply, parseMetadata, selectedMany, submit, text } from './modal-submission';
import { bulkRolesReview, type ModalMetadata } from './user-modals';

/** Whether a bulk role change waits for approval, and as which policy action: granting Admin, or touching many users. */
function bulkApprovalAction(services: SlackServices, users: number, adding: string[]): 'grant-admin' | 'bulk' | null {
  if (services.approvals.required('grant-admin') && services.roles.addsAdmin({ add: adding, remove: [] })) return 'grant-admin';
  if (services.approvals.required('bulk') && users > services.approvals.bulkThreshold) return 'bulk';
  return null;
}

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
      const changes = { add: selectedMany(values, BLOCKS.bulkAssign), remove: selectedMany(values, BLOCKS.bulkUnassign) };
      const previews = await services.roles.bulk(actor, emails, changes, { dryRun: true });
      const next: ModalMetadata = { channelId: metadata.channelId, emails, assign: changes.add, unassign: changes.remove };
      return { update: bulkRolesReview(previews, next, bulkApprovalAction(services, emails.length, changes.add) !== null) };
    });
  });

  app.view<ViewSubmitAction>(VIEWS.bulkRolesReview, async ({ ack, body, view, client }) => {
    const metadata = parseMetadata(view.private_metadata);
    await submit(services, { ack, body, client }, {}, metadata.channelId, async (actor) => {
      const emails = metadata.emails ?? [];
      const changes = { add: metadata.assign ?? [], remove: metadata.unassign ?? [] };
      return captureReply(async (respond) => {
        const run = async () => {
          const previews = await services.roles.bulk(actor, emails, changes);
          const changed = previews.filter((p) => p.before.join() !== p.after.join()).length;
          await respond({ text: `:white_check_mark: Saved: roles of ${changed} of ${previews.length} users changed.` });
        };
        const action = bulkApprovalAction(services, emails.length, changes.add);
        if (!action) return run();
        await runOrRequestApproval({ actor, services, respond }, { action, input: { emails, ...changes } }, run);
      });
    });
  });
}
