/**
 * Who reviews each user's access in a campaign: by rule (the owner, every approver, named people,
 * each user's inviter), spread evenly so that no reviewer gets all of it, all of one user's rows to
 * one reviewer, and never a user's own access to themselves (the owner's goes to another Admin).
 */
import { fail } from '../../errors';
import type { NewReviewRow, ReviewerContact, ReviewSubject } from '../../store/reviews/review-reads';

/** The people the campaign's reviewer rules name, resolved. */
export interface ReviewerPool {
  /** The owner, every approver and the named people the rules asked for, by e-mail, no one twice. */
  pool: ReviewerContact[];
  /** With the `inviter` rule: active inviters by id (an inviter who left falls back to the pool). */
  inviters?: Map<string, ReviewerContact>;
  /** Whom a user's own rows go to when the pool is only them: the other active Admins. */
  admins: ReviewerContact[];
  /** When the pool is empty (only `inviter` asked, and the inviter left): the owner. */
  owner: ReviewerContact | null;
}

/** A subject with its reviewer. */
export type AssignedSubject = ReviewSubject & { reviewer: ReviewerContact };

/**
 * Assigns a reviewer to every subject (`subjects` in campaign order, a user's rows together). Refuses,
 * naming them, users whom nobody but themselves could review.
 */
export function assignReviewers(subjects: readonly ReviewSubject[], reviewers: ReviewerPool): AssignedSubject[] {
  const byUser = new Map<string, ReviewerContact>();
  const orphans: string[] = [];
  let turn = 0;
  const other = (list: readonly ReviewerContact[], userId: string): ReviewerContact | undefined => {
    for (let i = 0; i < list.length; i++) {
      const candidate = list[(turn + i) % list.length] as ReviewerContact;
      if (candidate.id !== userId) {
        turn += i + 1;
        return candidate;
      }
    }
    return undefined;
  };
  for (const subject of subjects) {
    if (byUser.has(subject.userId) || orphans.includes(subject.email)) continue;
    const inviter = subject.invitedById ? reviewers.inviters?.get(subject.invitedById) : undefined;
    const fallback = reviewers.pool.length > 0 ? reviewers.pool : reviewers.owner ? [reviewers.owner] : [];
    const reviewer =
      (inviter && inviter.id !== subject.userId ? inviter : undefined) ??
      other(fallback, subject.userId) ??
      other(reviewers.admins, subject.userId);
    if (reviewer) byUser.set(subject.userId, reviewer);
    else orphans.push(subject.email);
  }
  if (orphans.length > 0) {
    const named = orphans.slice(0, 5).join(', ') + (orphans.length > 5 ? ` and ${orphans.length - 5} more` : '');
    throw fail.badInput(
      `Nobody else can review the access of ${named}: nobody reviews their own. Add a reviewer with \`--reviewer <who>\`.`,
      { field: 'reviewer' },
    );
  }
  return subjects.map((subject) => ({ ...subject, reviewer: byUser.get(subject.userId) as ReviewerContact }));
}

/** A campaign's rows as the store inserts them: each assigned subject in order, with its reviewer. */
export function campaignRows(assigned: readonly AssignedSubject[]): NewReviewRow[] {
  return assigned.map(({ invitedById: _inviter, reviewer, ...subject }, position) => ({
    ...subject,
    position,
    reviewerId: reviewer.id,
    reviewerEmail: reviewer.email,
  }));
}
