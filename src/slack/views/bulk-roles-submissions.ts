/**
 * The bulk roles flow: pick users (typed, or everyone matching a filter) and roles → a review of every
 * change (a dry run, listing the count and the first 20) → save, or ask for approval. On a filter, the
 * users listed at review are the ones saved; those who stopped matching are skipped and reported.
 */
import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { skippedText } from '../../domain/changes/filter-targets';
import type { BulkRolesResult } from '../../domain/changes/role-changes';
import { splitEmailList } from '../../domain/email';
import { fail } from '../../errors';
import { servicesIn } from '../account-context';
import { BLOCKS, VIEWS } from '../ids';
import type { Reply } from '../reply';
import { submitChange } from '../submit-change';
import { packMetadata, parseMetadata, selectedMany, submit, text, unpackMetadata } from './modal-submission';
import { bulkRolesReview, type ModalMetadata } from './user-modals';

function savedReply(result: BulkRolesResult): Reply {
  const changed = result.previews.filter((p) => p.before.join() !== p.after.join()).length;
  const skipped = skippedText(result.skipped);
  return {
    text: `:white_check_mark: Saved: roles of ${changed} of ${result.previews.length} users changed.${skipped ? ` ${skipped}` : ''}`,
  };
}

export function registerBulkRolesSubmissions(app: App): void {
  app.view<ViewSubmitAction>(VIEWS.bulkRoles, async ({ ack, body, view, context }) => {
    const services = servicesIn(context);
    const metadata = parseMetadata(view.private_metadata);
    const values = view.state.values;
    const fields = { users: metadata.filter ? BLOCKS.bulkAssign : BLOCKS.bulkUsers, roles: BLOCKS.bulkAssign };
    await submit(services, { ack, body }, fields, metadata.channelId, async (actor) => {
      const add = selectedMany(values, BLOCKS.bulkAssign);
      const remove = selectedMany(values, BLOCKS.bulkUnassign);
      let change: {
        kind: 'bulk-roles';
        emails: string[];
        add: string[];
        remove: string[];
        userIds?: string[];
        filter?: ModalMetadata['filter'];
      };
      if (metadata.filter) {
        // The set is fixed here, at review: what the review lists is what saving acts on.
        const matched = await services.directory.matching(actor, 'roles:manage', metadata.filter);
        change = { kind: 'bulk-roles', emails: [], add, remove, userIds: matched.map((u) => u.id), filter: metadata.filter };
      } else {
        const emails = [...new Set(splitEmailList(text(values, BLOCKS.bulkUsers) ?? ''))];
        const invalid = emails.filter((email) => !z.email().safeParse(email).success);
        if (emails.length === 0) throw fail.badInput('Give at least one e-mail address.', { field: 'users' });
        if (invalid.length > 0) throw fail.badInput(`Not e-mail addresses: ${invalid.join(', ')}.`, { field: 'users' });
        if (emails.length > 500) throw fail.badInput('At most 500 users at once.', { field: 'users' });
        change = { kind: 'bulk-roles', emails, add, remove };
      }
      const preview = await services.changes.preview(actor, change);
      const next: ModalMetadata = {
        channelId: metadata.channelId,
        emails: change.emails,
        userIds: change.userIds,
        filter: change.filter,
        assign: add,
        unassign: remove,
      };
      return {
        update: bulkRolesReview(preview.result.previews, await packMetadata(services, actor, next), preview.approval !== null),
      };
    });
  });

  app.view<ViewSubmitAction>(VIEWS.bulkRolesReview, async ({ ack, body, view, context }) => {
    const services = servicesIn(context);
    const carried = parseMetadata(view.private_metadata);
    await submit(services, { ack, body }, {}, carried.channelId, async (actor) => {
      const metadata = await unpackMetadata(services, actor, carried);
      const change = {
        kind: 'bulk-roles' as const,
        emails: metadata.emails ?? [],
        add: metadata.assign ?? [],
        remove: metadata.unassign ?? [],
        ...(metadata.filter ? { userIds: metadata.userIds ?? [], filter: metadata.filter } : {}),
      };
      return submitChange(services, actor, change, savedReply);
    });
  });
}
