/** What access reviews say in Slack (src/slack/views/review-page-message.ts): within Block Kit's limits, escaped, worded by case. */
import { describe, expect, it } from 'vitest';
import type { ReviewPage } from '../../src/domain/reviews/review-service';
import {
  reviewNotStartedText,
  reviewOverdueText,
  reviewPageMessage,
  scheduledReviewIntro,
} from '../../src/slack/views/review-page-message';
import type { ReviewCampaign, ReviewRowView } from '../../src/store/reviews/review-reads';
import { blockProblems } from '../support/block-kit-limits';

const at = new Date('2026-12-19T12:00:00Z');
const campaign = {
  id: '00000000-0000-4000-8000-000000000001',
  accountId: 'a',
  number: 7,
  name: 'Q4 <!channel> *admins*',
  scope: { roles: ['admin'], perms: [], groups: [], partners: [], everyone: false },
  reviewers: ['owner'],
  onOverdue: 'remind',
  status: 'open',
  startedById: null,
  startedByEmail: 'owner@example.com',
  schedule: null,
  periodKey: null,
  dueAt: at,
  nextReminderAt: null,
  overdueAt: null,
  createdAt: at,
  closedAt: null,
  closedByEmail: null,
  closeReason: null,
} satisfies ReviewCampaign;

function row(i: number): ReviewRowView {
  return {
    id: `00000000-0000-4000-8000-${String(100 + i).padStart(12, '0')}`,
    campaignId: campaign.id,
    accountId: 'a',
    position: i,
    userId: `u${i}`,
    email: `user${i}@example.com`,
    name: `Name <@U${i}> ${'x'.repeat(150)}`,
    access: `group:${'Sales & <b>'.repeat(5)}`,
    accessId: null,
    lastLoginAt: null,
    invitedByEmail: 'owner@example.com',
    invitedAt: at,
    reviewerId: 'r',
    reviewerEmail: 'r@example.com',
    decision: null,
    note: null,
    decidedById: null,
    decidedByEmail: null,
    decidedAt: null,
    requestId: null,
    outcome: null,
    requestStatus: null,
  };
}

const page: ReviewPage = {
  campaign,
  rows: Array.from({ length: 10 }, (_, i) => row(i)),
  open: 1000,
  page: 3,
  pages: 100,
  others: [{ ...campaign, number: 8, open: 4 }],
};

describe('access review messages', () => {
  it('a full page stays within a message’s limits, escaped, with paging and Keep all left', () => {
    const message = reviewPageMessage(page, scheduledReviewIntro(page, 'reminder'));
    expect(blockProblems(message.blocks, 'message')).toEqual([]);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('Q4 &lt;!channel&gt; *admins*');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U1>');
    for (const label of ['Keep these 10', 'Keep all 1000 left', 'Previous', 'Next']) expect(text).toContain(label);
    expect(text).toContain('Page 3 of 100');
    expect(message.text).toContain('Reminder: 1000 rows still wait for your review');
  });

  it('says why the scheduler sent a page', () => {
    expect(scheduledReviewIntro({ ...page, open: 1 }, 'assigned')).toContain('you have 1 row to review by 2026-12-19');
  });

  it('tells the owner of an overdue review what happens next, by its rule', () => {
    expect(reviewOverdueText(campaign, [{ email: 'r@example.com', open: 3 }])).toContain('rows open: r@example.com (3)');
    expect(reviewOverdueText(campaign, [])).toContain('reassign 7');
    const revoking = reviewOverdueText({ ...campaign, onOverdue: 'revoke-access' }, []);
    expect(revoking).toContain('the access still open was removed');
    expect(revoking).not.toContain('rows open');
  });

  it('says why a scheduled review did not start, escaped', () => {
    const text = reviewNotStartedText({ ...campaign, status: 'failed', closeReason: 'There is no group `<!here>`.' });
    expect(text).toContain('did not start this period: There is no group `&lt;!here&gt;`.');
  });
});
