/**
 * Credential changes: API keys, time-limited passcodes, password links and the sign-in method.
 * Secrets are random, stored only as SHA-256 hashes, and shown once, to their holder, by DM (or an
 * e-mailed reveal link for holders outside Slack), after the transaction commits.
 */
import { fail } from '../../errors';
import { deletePasswordLinks } from '../../store/credentials/password-link-writes';
import type { UserRecord } from '../../store/users/user-reads';
import { setPasswordHash, setSignInMethod } from '../../store/users/user-writes';
import { DAY_MS } from '../clock';
import { API_KEY_PREFIX, type IssuedSecret, PASSCODE_PREFIX, TENURE_RULE, TENURES } from '../credentials/credential-service';
import { type DeliveryOutcome, sendAll } from '../delivery/delivery';
import type { UserRef } from '../directory/directory-service';
import { formatWhen } from '../format-when';
import { randomToken } from '../secrets';
import type { Applied, ChangeContext, ChangeHandler } from './change-handler';
import { passwordLinkUrl, storePasswordLink } from './password-links';
import { findUser } from './user-change';

/** A password link as sent. */
export interface PasswordLinkResult {
  email: string;
  expiresAt: Date;
  /** The link itself, for the admin who asked only (an ephemeral reply), as `invite-link` shows one. */
  link: string;
  delivery: DeliveryOutcome;
  /** Whether the current password was ended with it (it stopped working at once). */
  passwordEnded?: boolean;
}

/** A sign-in method change, and the password link sent when it is back to passwords. */
export interface SignInResult {
  email: string;
  method: 'google' | 'password';
  link: PasswordLinkResult | null;
}

async function activeUser(context: ChangeContext, who: UserRef): Promise<UserRecord> {
  const user = await findUser(context, who);
  if (user.status !== 'active') throw fail.invalidState(`${user.email} is ${user.status}; only active users get credentials.`);
  return user;
}

function base<R>(user: UserRecord, result: R, stored: Applied<R>['stored']) {
  return { result, stored, touched: [user.id], targets: [user.id], gains: [], facts: { users: 1 } };
}

async function issuePasscode(
  context: ChangeContext,
  user: UserRecord,
  tenureDays: number,
  action: string,
  stored: Applied<IssuedSecret>['stored'],
): Promise<Applied<IssuedSecret>> {
  if (!(TENURES as readonly number[]).includes(tenureDays)) throw fail.badInput(`${TENURE_RULE}.`, { field: 'tenure' });
  const code = randomToken(PASSCODE_PREFIX);
  const now = context.clock.now();
  const expiresAt = new Date(now.getTime() + tenureDays * DAY_MS);
  const pendingId = await context.handoff.hold(context.tx, {
    userId: user.id,
    kind: 'passcode',
    secret: code,
    tenureDays,
    expiresAt,
  });
  const text = `Your API passcode (valid ${tenureDays} day${tenureDays === 1 ? '' : 's'}, until ${formatWhen(expiresAt)}). It is shown only this once:\n\`${code}\``;
  return {
    ...base(user, { email: user.email, expiresAt, delivered: false } as IssuedSecret, stored),
    summary: `A ${tenureDays}-day API passcode for ${user.email}.`,
    outcome: `${tenureDays}-day passcode issued to ${user.email}.`,
    facts: { users: 1, tenureDays },
    audit: [
      {
        action,
        target: { id: user.id, email: user.email, name: user.name },
        after: { tenureDays, expiresAt: expiresAt.toISOString() },
      },
    ],
    deliver: async (result) => ({
      ...result,
      ...(await context.handoff.deliver({
        pendingId,
        kind: 'passcode',
        secret: code,
        holder: user,
        dmText: text,
        actor: context.actor,
        activate: (pending, reveal) => context.activateCredential(context.actor, pending, reveal),
      })),
    }),
  };
}

/** A new API key; the old one stops working once the new one has been delivered. */
export const apiKey: ChangeHandler<'api-key', IssuedSecret> = {
  permissions: () => ['credentials:manage'],
  async apply(context, change) {
    const user = await activeUser(context, change.user);
    const key = randomToken(API_KEY_PREFIX);
    const prefix = key.slice(0, API_KEY_PREFIX.length + 6);
    // The current key keeps working until the new one has reached its holder (credential-handoff.ts).
    const pendingId = await context.handoff.hold(context.tx, { userId: user.id, kind: 'api-key', secret: key, prefix });
    const text = `Your new API key (the previous one no longer works). It is shown only this once:\n\`${key}\``;
    return {
      ...base(user, { email: user.email, prefix, delivered: false } as IssuedSecret, { ...change, user: { id: user.id } }),
      summary: `A new API key for ${user.email}.`,
      outcome: `New API key issued to ${user.email}.`,
      audit: [
        {
          action: 'apikey.generated',
          target: { id: user.id, email: user.email, name: user.name },
          before: { prefix: user.apiKey?.prefix ?? null },
          after: { prefix },
        },
      ],
      deliver: async (result) => ({
        ...result,
        ...(await context.handoff.deliver({
          pendingId,
          kind: 'api-key',
          secret: key,
          holder: user,
          dmText: text,
          actor: context.actor,
          activate: (pending, reveal) => context.activateCredential(context.actor, pending, reveal),
        })),
      }),
    };
  },
};

/** A time-limited passcode of 1, 7, 30 or 90 days. */
export const grantPasscode: ChangeHandler<'grant-passcode', IssuedSecret> = {
  permissions: () => ['credentials:manage'],
  async apply(context, change) {
    const user = await activeUser(context, change.user);
    return issuePasscode(context, user, change.tenureDays, 'passcode.granted', { ...change, user: { id: user.id } });
  },
};

/** A fresh passcode with the same tenure as the current one (a long one waits for approval like a grant). */
export const resetPasscode: ChangeHandler<'reset-passcode', IssuedSecret> = {
  permissions: () => ['credentials:manage'],
  async apply(context, change) {
    const user = await activeUser(context, change.user);
    if (!user.passcode)
      throw fail.invalidState(`${user.email} has no passcode to reset; grant one with \`/users passcode grant\`.`);
    return issuePasscode(context, user, user.passcode.tenureDays, 'passcode.reset', { ...change, user: { id: user.id } });
  },
};

async function issuePasswordLink(context: ChangeContext, user: UserRecord) {
  const { token, expiresAt } = await storePasswordLink(context.tx, {
    accountId: context.accountId,
    userId: user.id,
    now: context.clock.now(),
    ttlHours: context.passwordLinkTtlHours,
  });
  const actor = context.actor;
  return {
    expiresAt,
    audit: {
      action: 'password-link.sent',
      target: { id: user.id, email: user.email, name: user.name },
      after: { expiresAt: expiresAt.toISOString() },
    },
    async send(): Promise<PasswordLinkResult> {
      const link = passwordLinkUrl(context.publicUrl, token);
      const [delivery] = await sendAll(context.delivery, [
        {
          kind: 'password-link',
          email: user.email,
          name: user.name,
          link,
          expiresAt,
          fromName: actor.name ?? actor.email,
          replyTo: actor.email,
        },
      ]);
      return { email: user.email, expiresAt, link, delivery: delivery as DeliveryOutcome };
    },
  };
}

/** A single-use link to set a new password, sent by DM and e-mail. */
export const passwordLink: ChangeHandler<'password-link', PasswordLinkResult> = {
  permissions: () => ['credentials:manage'],
  async apply(context, change) {
    const user = await activeUser(context, change.user);
    if (user.signInMethod === 'google') {
      throw fail.invalidState(
        `${user.email} signs in with Google, so password links are refused. Switch with \`/users signin ${user.email} password\`.`,
      );
    }
    if (user.signInMethod === 'sso')
      throw fail.invalidState(`${user.email} signs in through the identity provider (SCIM), so password links are refused.`);
    const endPassword = change.endPassword === true;
    if (endPassword) await setPasswordHash(context.tx, user.id, null);
    const link = await issuePasswordLink(context, user);
    const pending: DeliveryOutcome = { email: user.email, slack: 'failed', mail: 'failed', problems: [] };
    const target = { id: user.id, email: user.email, name: user.name };
    return {
      ...base(
        user,
        { email: user.email, expiresAt: link.expiresAt, link: '', delivery: pending, passwordEnded: endPassword },
        { ...change, user: { id: user.id } },
      ),
      touched: endPassword ? [user.id] : [],
      summary: `A password link for ${user.email}${endPassword ? ', ending their current password now' : ''}.`,
      outcome: `Password link sent to ${user.email}${endPassword ? '; their old password no longer works' : ''}.`,
      audit: [
        ...(endPassword
          ? [
              {
                action: 'password.ended',
                target,
                before: { password: user.passwordHash ? 'set' : 'none' },
                after: { password: 'none' },
              },
            ]
          : []),
        link.audit,
      ],
      deliver: async () => ({ ...(await link.send()), passwordEnded: endPassword }),
    };
  },
};

/** Google sign-in (password cleared, password links refused) or back to a password (a link is sent). */
export const signIn: ChangeHandler<'sign-in', SignInResult> = {
  permissions: () => ['credentials:manage'],
  async apply(context, change) {
    const { tx } = context;
    const user = await activeUser(context, change.user);
    const method = change.method;
    if (user.signInMethod === method)
      throw fail.invalidState(`${user.email} already signs in with ${method === 'google' ? 'Google' : 'a password'}.`);
    await setSignInMethod(tx, user.id, method);
    if (method === 'google') await deletePasswordLinks(tx, user.id);
    const link = method === 'password' ? await issuePasswordLink(context, user) : null;
    return {
      ...base(user, { email: user.email, method, link: null } as SignInResult, { ...change, user: { id: user.id } }),
      summary: `${user.email} signs in with ${method}.`,
      outcome: `${user.email} now signs in with ${method}.`,
      audit: [
        {
          action: 'user.signin-changed',
          target: { id: user.id, email: user.email, name: user.name },
          before: { signIn: user.signInMethod },
          after: { signIn: method },
        },
        ...(link ? [link.audit] : []),
      ],
      deliver: async (result) => (link ? { ...result, link: await link.send() } : result),
    };
  },
};
