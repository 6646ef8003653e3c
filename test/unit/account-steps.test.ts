/**
 * A due account costs what is due in it (issue 27): the pass runs only the steps its query found work
 * for, each state change before the send of what it queues, and a notice left in the outbox is sent.
 */
import { describe, expect, it } from 'vitest';
import { dueSteps } from '../../src/scheduler/account-steps';
import type { DueWork } from '../../src/store/scheduler/due-accounts';

const steps = (...due: DueWork[]) => dueSteps(new Set(due)).map((step) => step.name);

describe('the steps of an account’s part of a pass', () => {
  it('runs only what is due, each change before the send of what it queued', () => {
    expect(steps('invites-expire')).toEqual(['expire invites', 'send expiry DMs and digest']);
    expect(steps('approvals')).toEqual(['expire approval requests', 'update expired approval requests']);
    expect(steps('passcodes')).toEqual(['warn of and expire passcodes', 'send passcode warnings']);
    expect(steps('invites-remind', 'invites-warn')).toEqual([
      'remind invitees',
      'queue invite expiry warnings',
      'send reminders',
      'send the expiring-soon digest',
    ]);
    expect(steps('handoffs')).toEqual(['prune credential hand-offs']);
    expect(steps('scim-digest')).toEqual(['queue the SCIM digest', 'send the SCIM digest']);
  });

  it('sends a notice a stopped pass left in the outbox without redoing the change that queued it', () => {
    expect(steps('notice:reminder')).toEqual(['send reminders']);
    expect(steps('notice:expiry-digest')).toEqual(['send expiry DMs and digest']);
    expect(steps('notice:expiry-dm')).toEqual(['send expiry DMs and digest']);
    expect(steps('notice:expiring-soon')).toEqual(['send the expiring-soon digest']);
    expect(steps('notice:passcode-warning')).toEqual(['send passcode warnings']);
    expect(steps('notice:approval-expired')).toEqual(['update expired approval requests']);
    expect(steps('notice:scim-digest')).toEqual(['send the SCIM digest']);
  });

  it('runs nothing where nothing is due', () => {
    expect(steps()).toEqual([]);
    expect(steps('notice:some-rule-the-scheduler-does-not-send')).toEqual([]);
  });
});
