/**
 * The buttons of a reviewer's page (Keep, Keep these, Keep all left, paging, Remove access and Revoke
 * user, which open a modal for a note) and that modal's submission. Each decision is a `review-decide`
 * change; the page is drawn again after it, in place (messages) or in App Home.
 */
import type { App, BlockAction, ViewSubmitAction } from '@slack/bolt';
import type { Actor } from '../../domain/access/actor';
import type { ChangeOf } from '../../domain/changes/directory-change';
import type { ReviewDecided } from '../../domain/changes/review-changes';
import { fail, isRosterError } from '../../errors';
import { servicesIn } from '../account-context';
import { asView } from '../block-kit';
import { publishHome } from '../events';
import { ACTIONS, BLOCKS, VIEWS } from '../ids';
import type { Reply } from '../reply';
import { safeJson } from '../safe-json';
import type { SlackServices } from '../services';
import { announceRequest } from '../submit-change';
import { escapeMrkdwn } from '../views/format';
import { submit, text } from '../views/modal-submission';
import { type ReviewDecisionMetadata, reviewDecisionMetadataSchema, reviewDecisionModal } from '../views/review-decision-modal';
import { reviewButtonSchema, reviewPageMessage } from '../views/review-page-message';
import { onButton } from '.';

function parseButton(raw: string | undefined) {
  const parsed = reviewButtonSchema.safeParse(safeJson(raw ?? ''));
  if (!parsed.success) throw fail.badInput('That button is not one of Roster’s; open the review again with `/users review`.');
  return parsed.data;
}

/**
 * Submits a decision; a removal or revocation that waits for approval is noted on its row at once (so
 * the row takes no second decision meanwhile), then announced in the approvals channel.
 */
async function decide(services: SlackServices, actor: Actor, change: Omit<ChangeOf<'review-decide'>, 'kind'>): Promise<string> {
  const submission = await services.changes.submit(actor, { kind: 'review-decide', ...change });
  if (submission.status === 'done') return outcomeText(submission.result);
  const noted = await services.changes.submit(actor, {
    kind: 'review-await',
    row: change.rows[0] ?? '',
    request: submission.request.id,
  });
  if (noted.status === 'done' && !noted.result.noted) return ':hourglass: That decision already waits for an approver.';
  return (await announceRequest(services, submission)).text;
}

function outcomeText(decided: ReviewDecided): string {
  const closed = decided.closed
    ? ` That was the last row: access review #${decided.campaign.number} is closed, and the owner gets its report.`
    : '';
  return decided.decided === 1
    ? `:white_check_mark: ${escapeMrkdwn(decided.outcome)}${closed}`
    : `:white_check_mark: Kept ${decided.decided} rows.${closed}`;
}

/** The reviewer's page again, led by what just happened. */
async function pageAfter(services: SlackServices, actor: Actor, at: { n: number; p: number }, said: string): Promise<Reply> {
  const campaign = await services.reviews.campaign({ number: at.n });
  const page = campaign.status === 'open' ? await services.reviews.page(actor, { number: at.n, page: at.p }) : null;
  return reviewPageMessage(page && page.open > 0 ? page : null, said);
}

export function registerReviewActions(app: App): void {
  const fromHome = (body: BlockAction) => body.view?.type === 'home';

  for (const [actionId, which] of [
    [ACTIONS.reviewKeep, 'one'],
    [ACTIONS.reviewKeepPage, 'page'],
    [ACTIONS.reviewKeepAll, 'all'],
  ] as const) {
    onButton(app, actionId, async ({ services, actor, action, body, reply }) => {
      const button = parseButton(action.value);
      const rows = button.r ?? [];
      if (which !== 'all' && rows.length === 0) throw fail.badInput('That button names no rows.');
      const said = await decide(services, actor, {
        campaign: button.c,
        rows: which === 'all' ? [] : rows,
        decision: 'keep',
        ...(which === 'all' ? { allOpen: true } : {}),
      });
      if (fromHome(body)) await publishHome(services, body.user.id);
      else await reply(await pageAfter(services, actor, button, said), true);
    });
  }

  for (const direction of ['prev', 'next']) {
    onButton(app, `${ACTIONS.reviewPage}.${direction}`, async ({ services, actor, action, body, reply }) => {
      const button = parseButton(action.value);
      const page = await services.reviews.page(actor, { number: button.n, page: button.p });
      if (fromHome(body)) await services.dm.toUser(body.user.id, reviewPageMessage(page));
      else await reply(reviewPageMessage(page), true);
    });
  }

  for (const [actionId, d] of [
    [ACTIONS.reviewKeepNote, 'keep'],
    [ACTIONS.reviewRemove, 'remove'],
    [ACTIONS.reviewRevoke, 'revoke'],
  ] as const) {
    onButton(app, actionId, async ({ services, actor, action, body }) => {
      const button = parseButton(action.value);
      const [rowId] = button.r ?? [];
      if (!rowId) throw fail.badInput('That button names no row.');
      const row = await services.reviews.openRow(actor, button.c, rowId);
      if (!row) throw fail.conflict('That row is decided already, or is not yours to review.');
      const metadata: ReviewDecisionMetadata = {
        c: button.c,
        n: button.n,
        p: button.p,
        row: rowId,
        d,
        ...(body.channel?.id ? { channelId: body.channel.id } : {}),
        ...(fromHome(body) ? { home: true } : {}),
      };
      // The modal opens at once (the trigger lasts 3 s); what the decision would change, worked out by a
      // dry run that waits for the account lock, follows in place.
      const opened = await services.client.views.open({
        trigger_id: body.trigger_id,
        view: asView(reviewDecisionModal(row, metadata, { outcome: 'Working out what this changes…', waits: false })),
      });
      if (d === 'keep' || !opened.view?.id) return;
      const preview = await services.changes
        .preview(actor, { kind: 'review-decide', campaign: button.c, rows: [rowId], decision: d })
        .then(
          (done) => ({ outcome: done.result.outcome, waits: done.approval !== null }),
          (error: unknown) => {
            if (!isRosterError(error)) throw error;
            return { outcome: `This would be refused: ${error.message}`, waits: false };
          },
        );
      await services.client.views.update({ view_id: opened.view.id, view: asView(reviewDecisionModal(row, metadata, preview)) });
    });
  }

  app.view<ViewSubmitAction>(VIEWS.reviewDecision, async ({ ack, body, view, context }) => {
    const services = servicesIn(context);
    const parsed = reviewDecisionMetadataSchema.safeParse(safeJson(view.private_metadata));
    const metadata = parsed.success ? parsed.data : null;
    await submit(services, { ack, body }, { note: BLOCKS.reviewNote }, metadata?.channelId, async (actor) => {
      if (!metadata)
        throw fail.invalidState('This form has expired; nothing was changed. Open the review again with `/users review`.');
      const note = text(view.state.values, BLOCKS.reviewNote);
      const said = await decide(services, actor, {
        campaign: metadata.c,
        rows: [metadata.row],
        decision: metadata.d,
        ...(note ? { note } : {}),
      });
      if (metadata.home) {
        await publishHome(services, body.user.id);
        return { text: said };
      }
      return pageAfter(services, actor, metadata, said);
    });
  });
}
