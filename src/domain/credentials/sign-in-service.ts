/**
 * What invitees, users and the managed product do without Slack: accept an invite, set a
 * password from a link, sign in, and have an API key or passcode verified. This composes the parts:
 * the link pages' changes (link-sign-in.ts), the throttled sign-ins and lockouts
 * (throttled-sign-in.ts), and API key and passcode verification (credential-verification.ts).
 */

import type { Store } from '../../store/tx';
import type { AuditService } from '../audit/audit-service';
import type { ChangeService } from '../changes/change-service';
import type { Clock } from '../clock';
import type { Delivery } from '../ports';
import type { MultipleRoles } from '../roles/precedence';
import type { HolderMessenger } from './credential-service';
import { createCredentialVerifier } from './credential-verification';
import { createLinkSignIn } from './link-sign-in';
import type { SignInThrottle } from './sign-in-throttle';
import { createThrottledSignIn } from './throttled-sign-in';
import { createHolderReader } from './verified-holder';

export type { InviteDetails } from './link-sign-in';
export type { SignInResult, VerifiedHolder } from './verified-holder';

export type SignInService = ReturnType<typeof createSignInService>;

export function createSignInService(deps: {
  prisma: Store;
  accountId: string;
  clock: Clock;
  audit: AuditService;
  /** Accepting an invite and setting a password are changes the link's holder submits. */
  changes: Pick<ChangeService, 'submit'>;
  throttle: SignInThrottle;
  messenger: HolderMessenger;
  /** Where a lockout notice goes by e-mail, beside the DM. */
  delivery: Pick<Delivery, 'notice'>;
  multipleRoles: MultipleRoles;
  /** Where a lockout notice that could not be sent is reported (never with a secret). */
  onNoticeError: (error: unknown) => void;
}) {
  const { prisma, accountId, clock, audit, throttle } = deps;
  const holder = createHolderReader({ prisma, multipleRoles: deps.multipleRoles, clock });
  const verifyCredential = createCredentialVerifier({ prisma, accountId, clock, holder });
  const links = createLinkSignIn({ prisma, accountId, clock, changes: deps.changes });
  const throttled = createThrottledSignIn({
    prisma,
    accountId,
    clock,
    audit,
    throttle,
    messenger: deps.messenger,
    delivery: deps.delivery,
    onNoticeError: deps.onNoticeError,
    holder,
    verifyCredential,
  });

  return {
    /** The account whose directory this service signs in to. */
    accountId,
    inspectInvite: links.inspectInvite,
    acceptInvite: links.acceptInvite,
    inspectPasswordLink: links.inspectPasswordLink,
    setPassword: links.setPassword,
    login: throttled.login,
    verifyPasscodeFor: throttled.verifyPasscodeFor,
    /** Verifies an API key or passcode: only an active holder's, unexpired; records its last use. */
    verify: verifyCredential,
    lockoutOf: throttled.lockoutOf,
    clearLockout: throttled.clearLockout,
  };
}
