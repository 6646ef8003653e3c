/** Sending an invite's link again after the link secret changed (ROSTER_SECRET or the Slack secret it comes from). */
import { afterAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/secrets';
import { type DomainHarness, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

const tokenOf = (link: string) => link.split('/invite/')[1] as string;

describe.each(testTargets())('invite links after the link secret changed (%s store)', (target) => {
  let h: DomainHarness;
  const store = domainStore(target);
  afterAll(() => store.close());

  const pendingInvite = () =>
    h.db.prisma.invite.findFirstOrThrow({ where: { status: 'pending', user: { email: 'kim@example.com' } } });
  const lastLink = () => h.sent.at(-1)?.link as string;

  it('resends the same link while the secret is unchanged, and then a fresh link for the same invite that opens', async () => {
    h = await store.fresh();
    await h.services().changes.submit(h.owner, { kind: 'invite', emails: ['kim@example.com'] });
    const first = await pendingInvite();
    const firstLink = lastLink();
    expect(hashToken(tokenOf(firstLink))).toBe(first.tokenHash);

    await h.services().changes.submit(h.owner, { kind: 'resend', user: { email: 'kim@example.com' } });
    expect(lastLink()).toBe(firstLink);
    expect((await pendingInvite()).tokenHash).toBe(first.tokenHash);

    await h
      .services({ linkSecret: 'y'.repeat(32) })
      .changes.submit(h.owner, { kind: 'resend', user: { email: 'kim@example.com' } });
    const renewed = await pendingInvite();
    expect(lastLink()).not.toBe(firstLink);
    expect(hashToken(tokenOf(lastLink()))).toBe(renewed.tokenHash);
    expect(renewed).toMatchObject({ id: first.id, expiresAt: first.expiresAt });

    // Under the new secret the renewed link is the same link again.
    const renewedLink = lastLink();
    await h
      .services({ linkSecret: 'y'.repeat(32) })
      .changes.submit(h.owner, { kind: 'resend', user: { email: 'kim@example.com' } });
    expect(lastLink()).toBe(renewedLink);
  });

  it('two resends at once after the change send one new link', async () => {
    h = await store.fresh();
    await h.services().changes.submit(h.owner, { kind: 'invite', emails: ['kim@example.com'] });
    const rotated = h.services({ linkSecret: 'y'.repeat(32) });
    await Promise.all([
      rotated.changes.submit(h.owner, { kind: 'resend', user: { email: 'kim@example.com' } }),
      rotated.changes.submit(h.owner, { kind: 'resend', user: { email: 'kim@example.com' } }),
    ]);
    const renewed = await pendingInvite();
    const [a, b] = h.sent.slice(-2).map((s) => s.link);
    expect(a).toBe(b);
    expect(hashToken(tokenOf(a as string))).toBe(renewed.tokenHash);
  });
});
