/**
 * How a new API key or passcode reaches its holder without ever replacing a working one too early.
 * The change holds it as pending (inside its transaction); after the commit it goes to the holder by
 * Slack DM, or, for a holder outside the workspace (or when the DM fails), by e-mail as a single-use
 * reveal link. Only once it has been sent does it replace the current one (a change of its own,
 * `credential-activate`); if nothing could be sent it is dropped, the current one keeps working, and
 * the admin is told what failed.
 */

import { randomUUID } from 'node:crypto';
import { fail, RosterError, reasonOf } from '../../errors';
import { accountNameOf } from '../../store/accounts/account-reads';
import {
  claimSecretReveal,
  createPendingCredential,
  createSecretReveal,
  deletePendingCredential,
  deleteSecretReveal,
  eraseRevealSecret,
} from '../../store/credentials/credential-handoff-rows';
import { findRevealByTokenHash } from '../../store/credentials/credential-reads';
import type { Store, Tx } from '../../store/tx';
import type { Actor } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import { linkHolder } from '../changes/sign-in-changes';
import { addHours, type Clock } from '../clock';
import type { Delivery } from '../delivery/delivery';
import { formatWhen } from '../format-when';
import { hashToken, randomToken, sameSecret } from '../secrets';
import type { HolderMessenger } from './credential-service';
import { openSealed, sealSecret } from './secret-seal';

/** How long an e-mailed reveal link works. */
export const REVEAL_TTL_HOURS = 24;

export type CredentialKind = 'api-key' | 'passcode';

/** What a credential is called in messages and pages. */
export const CREDENTIAL_NAME: Record<CredentialKind, string> = { 'api-key': 'API key', passcode: 'API passcode' };

const AUDIT_PREFIX: Record<CredentialKind, string> = { 'api-key': 'apikey', passcode: 'passcode' };

/** Where a new credential went, or why it went nowhere. */
export interface Handoff {
  delivered: boolean;
  via?: 'slack' | 'email';
  /** Until when the e-mailed reveal link works. */
  revealExpiresAt?: Date;
  problem?: string;
}

interface Holder {
  id: string;
  email: string;
  name: string | null;
  slackUserId: string | null;
}

export type CredentialHandoff = ReturnType<typeof createCredentialHandoff>;

export function createCredentialHandoff(deps: {
  prisma: Store;
  accountId: string;
  clock: Clock;
  audit: AuditService;
  messenger: HolderMessenger;
  delivery: Delivery;
  publicUrl: string;
}) {
  const { prisma, accountId, clock, audit } = deps;

  /** Drops a credential nobody received; the current one stays. Audited with the reason. */
  async function drop(actor: Actor, kind: CredentialKind, holder: Holder, pendingId: string, problem: string, revealId?: string) {
    await deletePendingCredential(prisma, pendingId);
    if (revealId) await deleteSecretReveal(prisma, revealId);
    await audit.record(prisma, actor, {
      action: `${AUDIT_PREFIX[kind]}.not-delivered`,
      target: { id: holder.id, email: holder.email, name: holder.name },
      after: { problem, kept: 'the current one' },
    });
  }

  async function findReveal(token: string) {
    const tokenHash = hashToken(token);
    const reveal = await findRevealByTokenHash(prisma, tokenHash);
    if (!reveal || reveal.accountId !== accountId || !sameSecret(reveal.tokenHash, tokenHash))
      throw fail.notFound('This link is not valid. Check that you copied all of it, or ask an admin for a new one.');
    const name = CREDENTIAL_NAME[reveal.kind as CredentialKind] ?? 'credential';
    if (reveal.revealedAt)
      throw new RosterError(
        'invalid_state',
        `This link has already been used: your ${name} was shown ${formatWhen(reveal.revealedAt)}, and only then. If that was not you, tell an admin now so they issue a new one.`,
      );
    if (reveal.expiresAt <= clock.now() || !reveal.sealed) {
      await eraseRevealSecret(prisma, reveal.id);
      throw new RosterError('invalid_state', `This link has expired. Ask an admin to issue you a new ${name}.`);
    }
    if (reveal.user.status !== 'active') throw new RosterError('invalid_state', 'Your access is not active. Ask an admin.');
    return { ...reveal, name };
  }

  return {
    /** Inside the change's transaction: keeps the new credential aside until it has been delivered. */
    async hold(
      tx: Tx,
      credential: {
        userId: string;
        kind: CredentialKind;
        secret: string;
        prefix?: string;
        tenureDays?: number;
        expiresAt?: Date;
      },
    ): Promise<string> {
      const { secret, ...rest } = credential;
      const pending = await createPendingCredential(tx, {
        accountId,
        ...rest,
        secretHash: hashToken(secret),
        createdAt: clock.now(),
      });
      return pending.id;
    },

    /** After the commit: DM, else a reveal link by e-mail; activates what was sent, drops what was not. */
    async deliver(input: {
      pendingId: string;
      kind: CredentialKind;
      secret: string;
      holder: Holder;
      dmText: string;
      actor: Actor;
      /**
       * Makes the pending credential the holder's current one once sent (a `credential-activate` change);
       * false when it is gone or the holder is no longer active.
       */
      activate: (pendingId: string, revealId?: string) => Promise<boolean>;
    }): Promise<Handoff> {
      const { pendingId, kind, secret, holder, actor, activate } = input;
      const problems: string[] = [];
      const inactive = `${holder.email} is no longer active, so the new ${CREDENTIAL_NAME[kind]} was not switched on`;
      try {
        if (await deps.messenger.send({ email: holder.email, slackUserId: holder.slackUserId }, input.dmText)) {
          return (await activate(pendingId)) ? { delivered: true, via: 'slack' } : { delivered: false, problem: inactive };
        }
      } catch (error) {
        problems.push(`the Slack DM to ${holder.email} failed (${reasonOf(error)})`);
      }
      const token = randomToken();
      const revealId = randomUUID();
      const expiresAt = addHours(clock.now(), REVEAL_TTL_HOURS);
      await createSecretReveal(prisma, {
        id: revealId,
        accountId,
        userId: holder.id,
        kind,
        tokenHash: hashToken(token),
        sealed: sealSecret(secret, token, revealId),
        expiresAt,
      });
      const sent = await deps.delivery
        .send({
          kind: 'credential-reveal',
          credential: kind,
          email: holder.email,
          name: holder.name,
          link: `${deps.publicUrl}/reveal/${token}`,
          expiresAt,
          fromName: actor.name ?? actor.email,
        })
        .catch((error: unknown) => ({
          mail: 'failed' as const,
          problems: [`the e-mail to ${holder.email} failed (${reasonOf(error)})`],
        }));
      if (sent.mail !== 'sent') {
        problems.push(...sent.problems);
        const problem = problems.join('; ');
        await drop(actor, kind, holder, pendingId, problem, revealId);
        return { delivered: false, problem };
      }
      return (await activate(pendingId, revealId))
        ? { delivered: true, via: 'email', revealExpiresAt: expiresAt }
        : { delivered: false, problem: inactive };
    },

    /** What a reveal link is for, without using it up. */
    async inspect(token: string): Promise<{ email: string; name: string; accountName: string; expiresAt: Date }> {
      const reveal = await findReveal(token);
      return {
        email: reveal.user.email,
        name: reveal.name,
        accountName: await accountNameOf(prisma, accountId),
        expiresAt: reveal.expiresAt,
      };
    },

    /** Shows the secret once: the link is used up and the sealed copy erased in one conditional update. */
    async reveal(token: string, clientAddress?: string): Promise<{ email: string; name: string; secret: string }> {
      const reveal = await findReveal(token);
      const secret = openSealed(reveal.sealed as string, token, reveal.id);
      const now = clock.now();
      const claimed = await claimSecretReveal(prisma, reveal.id, now);
      if (!claimed || secret === null) {
        // Another request used it first (or it just expired): say which, as opening it again would.
        await findReveal(token);
        throw fail.notFound('This link is not valid. Ask an admin for a new one.');
      }
      const user = reveal.user;
      await audit.record(prisma, linkHolder(user), {
        action: `${AUDIT_PREFIX[reveal.kind as CredentialKind] ?? reveal.kind}.revealed`,
        target: { id: user.id, email: user.email, name: user.name },
        clientAddress,
      });
      return { email: user.email, name: reveal.name, secret };
    },
  };
}
