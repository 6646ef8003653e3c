/**
 * The inviters' expiry DMs go out in lanes that open as groups are found (send-notices.ts): a lane whose
 * store fails stops the others and fails the step once every lane is done, with nothing left unhandled.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ClaimedGroup } from '../../src/domain/notices/notice-outbox';
import { type SendDeps, sendExpiryDms } from '../../src/scheduler/send-notices';

function group(n: number): ClaimedGroup {
  return { groupKey: `inviter${n}`, notices: [{ id: `notice${n}`, subjectId: `invite${n}`, dedupeKey: `k${n}` }], more: 0 };
}

/** Deps whose outbox hands out `claims` in turn (a function throws), and whose inviters are no longer active. */
function deps(claims: (() => ClaimedGroup | null)[]): { deps: SendDeps; sent: string[] } {
  const sent: string[] = [];
  let next = 0;
  const outbox = {
    async claimGroup() {
      const claim = claims[next++];
      return claim ? claim() : null;
    },
    async markSent(ids: string[]) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      sent.push(...ids);
    },
    async markFailed() {},
  };
  const prisma = { user: { findUnique: async () => ({ id: 'x', status: 'disabled' }) } };
  return {
    deps: { outbox, prisma, logger: pino({ level: 'silent' }) } as unknown as SendDeps,
    sent,
  };
}

describe('expiry DM lanes', () => {
  it('counts what every lane sent', async () => {
    const { deps: d, sent } = deps([() => group(1), () => group(2), () => group(3)]);
    expect(await sendExpiryDms(d)).toBe(3);
    expect(sent.sort()).toEqual(['notice1', 'notice2', 'notice3']);
  });

  it('fails the step when a lane’s store fails, once every lane is done', async () => {
    const { deps: d, sent } = deps([
      () => group(1),
      () => {
        throw new Error('store unreachable');
      },
    ]);
    await expect(sendExpiryDms(d)).rejects.toThrow('store unreachable');
    // The lane that had claimed a group finished it before the step failed.
    expect(sent).toEqual(['notice1']);
  });
});
