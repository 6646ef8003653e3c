/**
 * Issuing credentials: API keys, time-limited passcodes, password links and the sign-in method.
 * Secrets are random, stored only as SHA-256 hashes, and shown once, to their holder, by DM.
 */

import { fail } from '../../errors';
import type { PrismaClient } from '../../store/generated/client';
import { type Actor, requirePermission } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import { addHours, type Clock, DAY_MS } from '../clock';
import { type Delivery, type DeliveryOutcome, sendAll } from '../delivery/delivery';
import type { DirectoryService, UserRef } from '../directory/directory-service';
import type { UserRecord } from '../directory/user-view';
import { formatWhen } from '../format-when';
import { hashToken, randomToken } from '../secrets';

export const API_KEY_PREFIX = 'rk_';
export const PASSCODE_PREFIX = 'rp_';
export const TENURES = [1, 7, 30, 90] as const;

/** Tells a credential's holder their new secret, privately. */
export interface HolderMessenger {
  /** Resolves false when the holder cannot be reached in Slack. */
  send(holder: { email: string; slackUserId: string | null }, text: string): Promise<boolean>;
}

export interface IssuedSecret {
  email: string;
  /** Whether the holder got it by DM; if not, the secret is not shown anywhere and should be issued again. */
  delivered: boolean;
  problem?: string;
  prefix?: string;
  expiresAt?: Date;
}

export type CredentialService = ReturnType<typeof createCredentialService>;

export function createCredentialService(deps: {
  prisma: PrismaClient;
  accountId: string;
  clock: Clock;
  audit: AuditService;
  directory: DirectoryService;
  messenger: HolderMessenger;
  delivery: Delivery;
  publicUrl: string;
  passwordLinkTtlHours: number;
}) {
  const { prisma, accountId, clock, audit, directory } = deps;

  async function activeUser(actor: Actor, who: UserRef): Promise<UserRecord> {
    requirePermission(actor, 'credentials:manage');
    const user = await directory.findUser(who);
    if (user.status !== 'active') {
      throw fail.invalidState(`${user.email} is ${user.status}; only active users get credentials.`);
    }
    return user;
  }

  async function tellHolder(user: UserRecord, text: string): Promise<Pick<IssuedSecret, 'delivered' | 'problem'>> {
    try {
      const delivered = await deps.messenger.send({ email: user.email, slackUserId: user.slackUserId }, text);
      return delivered
        ? { delivered }
        : { delivered, problem: `${user.email} is not in this Slack workspace, so the secret could not be sent` };
    } catch (error) {
      const reason = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
      return { delivered: false, problem: `the DM to ${user.email} failed (${reason})` };
    }
  }

  async function issuePasscode(actor: Actor, user: UserRecord, tenureDays: number, action: string): Promise<IssuedSecret> {
    const code = randomToken(PASSCODE_PREFIX);
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + tenureDays * DAY_MS);
    await prisma.$transaction(async (tx) => {
      const data = {
        codeHash: hashToken(code),
        tenureDays,
        status: 'active' as const,
        expiresAt,
        createdAt: now,
        lastUsedAt: null,
      };
      await tx.passcode.upsert({ where: { userId: user.id }, create: { accountId, userId: user.id, ...data }, update: data });
      await tx.user.update({ where: { id: user.id }, data: { version: { increment: 1 } } });
      await audit.record(tx, actor, {
        action,
        target: { id: user.id, email: user.email, name: user.name },
        after: { tenureDays, expiresAt: expiresAt.toISOString() },
      });
    });
    const told = await tellHolder(
      user,
      `Your API passcode (valid ${tenureDays} day${tenureDays === 1 ? '' : 's'}, until ${formatWhen(expiresAt)}). It is shown only this once:\n\`${code}\``,
    );
    return { email: user.email, expiresAt, ...told };
  }

  return {
    /** A new API key; the old one stops working at once. */
    async generateApiKey(actor: Actor, who: UserRef): Promise<IssuedSecret> {
      const user = await activeUser(actor, who);
      const key = randomToken(API_KEY_PREFIX);
      const prefix = key.slice(0, API_KEY_PREFIX.length + 6);
      await prisma.$transaction(async (tx) => {
        const data = { prefix, keyHash: hashToken(key), createdAt: clock.now(), lastUsedAt: null };
        await tx.apiKey.upsert({ where: { userId: user.id }, create: { accountId, userId: user.id, ...data }, update: data });
        await tx.user.update({ where: { id: user.id }, data: { version: { increment: 1 } } });
        await audit.record(tx, actor, {
          action: 'apikey.generated',
          target: { id: user.id, email: user.email, name: user.name },
          before: { prefix: user.apiKey?.prefix ?? null },
          after: { prefix },
        });
      });
      const told = await tellHolder(
        user,
        `Your new API key (the previous one no longer works). It is shown only this once:\n\`${key}\``,
      );
      return { email: user.email, prefix, ...told };
    },

    /** A time-limited passcode of 1, 7, 30 or 90 days. */
    async grantPasscode(actor: Actor, who: UserRef, tenureDays: number): Promise<IssuedSecret> {
      if (!(TENURES as readonly number[]).includes(tenureDays))
        throw fail.badInput('The tenure must be 1d, 7d, 30d or 90d.', { field: 'tenure' });
      return issuePasscode(actor, await activeUser(actor, who), tenureDays, 'passcode.granted');
    },

    /** Refuses now what `grantPasscode` would refuse (for approval requests); returns the holder. */
    async checkGrant(actor: Actor, who: UserRef, tenureDays: number): Promise<UserRecord> {
      if (!(TENURES as readonly number[]).includes(tenureDays))
        throw fail.badInput('The tenure must be 1d, 7d, 30d or 90d.', { field: 'tenure' });
      return activeUser(actor, who);
    },

    /** A fresh passcode with the same tenure as the current one. */
    async resetPasscode(actor: Actor, who: UserRef): Promise<IssuedSecret> {
      const user = await activeUser(actor, who);
      if (!user.passcode)
        throw fail.invalidState(`${user.email} has no passcode to reset; grant one with \`/users passcode grant\`.`);
      return issuePasscode(actor, user, user.passcode.tenureDays, 'passcode.reset');
    },

    /** The tenure a reset would use (for the approval policy on long passcodes). */
    async currentTenure(who: UserRef): Promise<number | null> {
      return (await directory.findUser(who)).passcode?.tenureDays ?? null;
    },

    /** A single-use link to set a new password, sent by DM and e-mail. */
    async sendPasswordLink(actor: Actor, who: UserRef): Promise<{ email: string; expiresAt: Date; delivery: DeliveryOutcome }> {
      const user = await activeUser(actor, who);
      if (user.signInMethod === 'google') {
        throw fail.invalidState(
          `${user.email} signs in with Google, so password links are refused. Switch with \`/users signin ${user.email} password\`.`,
        );
      }
      return issuePasswordLink(actor, user);
    },

    /** Google sign-in (password cleared, password links refused) or back to a password (a link is sent). */
    async setSignInMethod(actor: Actor, who: UserRef, method: 'google' | 'password') {
      const user = await activeUser(actor, who);
      if (user.signInMethod === method)
        throw fail.invalidState(`${user.email} already signs in with ${method === 'google' ? 'Google' : 'a password'}.`);
      await prisma.$transaction(async (tx) => {
        await tx.user.update({
          where: { id: user.id },
          data: { signInMethod: method, ...(method === 'google' ? { passwordHash: null } : {}), version: { increment: 1 } },
        });
        if (method === 'google') await tx.passwordLink.deleteMany({ where: { userId: user.id } });
        await audit.record(tx, actor, {
          action: 'user.signin-changed',
          target: { id: user.id, email: user.email, name: user.name },
          before: { signIn: user.signInMethod },
          after: { signIn: method },
        });
      });
      if (method === 'google') return { email: user.email, method, link: null };
      return { email: user.email, method, link: await issuePasswordLink(actor, { ...user, signInMethod: 'password' }) };
    },
  };

  async function issuePasswordLink(actor: Actor, user: UserRecord) {
    const token = randomToken();
    const expiresAt = addHours(clock.now(), deps.passwordLinkTtlHours);
    await prisma.$transaction(async (tx) => {
      await tx.passwordLink.deleteMany({ where: { userId: user.id, usedAt: null } });
      await tx.passwordLink.create({ data: { accountId, userId: user.id, tokenHash: hashToken(token), expiresAt } });
      await audit.record(tx, actor, {
        action: 'password-link.sent',
        target: { id: user.id, email: user.email, name: user.name },
        after: { expiresAt: expiresAt.toISOString() },
      });
    });
    const [delivery] = await sendAll(deps.delivery, [
      {
        kind: 'password-link',
        email: user.email,
        name: user.name,
        link: `${deps.publicUrl}/password/${token}`,
        expiresAt,
        fromName: actor.name ?? actor.email,
      },
    ]);
    return { email: user.email, expiresAt, delivery: delivery as DeliveryOutcome };
  }
}
