/**
 * Builds every domain service once, over the store and the ports the caller supplies (Slack
 * profiles, DMs, delivery): used by main.ts and by the test setups, so both wire the same graph.
 */
import type { Logger } from 'pino';
import type { Config } from './config';
import { createAccessService } from './domain/access/access-service';
import type { SettingsDefaults } from './domain/account/account-settings';
import { createOwnershipService } from './domain/account/ownership-service';
import { createSettingsService } from './domain/account/settings-service';
import { createApprovalService } from './domain/approvals/approval-service';
import { createAuditService } from './domain/audit/audit-service';
import { passcodeWaits } from './domain/changes/approval-policy';
import { createChangeService } from './domain/changes/change-service';
import type { Clock } from './domain/clock';
import { createCredentialHandoff } from './domain/credentials/credential-handoff';
import { createPasswordReset } from './domain/credentials/password-reset';
import { createSignInService } from './domain/credentials/sign-in-service';
import { createSignInThrottle } from './domain/credentials/sign-in-throttle';
import { createDeletionService } from './domain/deletion/deletion-service';
import { createDirectoryService } from './domain/directory/directory-service';
import { createExportService } from './domain/export/export-service';
import { createGrantService } from './domain/grants/grant-service';
import { createGroupService } from './domain/groups/group-service';
import { createHomeService } from './domain/home/home-service';
import { createInviteLinks } from './domain/invites/invite-links';
import { createInviteService } from './domain/invites/invite-service';
import { createNoticeOutbox } from './domain/notices/notice-outbox';
import { createPartnerService } from './domain/partners/partners';
import type { Delivery, HolderMessenger, SlackProfiles, WebhookPoster } from './domain/ports';
import { createReviewService } from './domain/reviews/review-service';
import { createRoleService } from './domain/users/role-service';
import { createWebhookService } from './domain/webhooks/webhook-service';
import { secretKeys } from './domain/webhooks/webhook-signing';
import type { Metrics } from './metrics/metrics-port';
import type { Store } from './store/tx';

/** The parts of the configuration the services read. */
export type ServicesConfig = Pick<
  Config,
  'catalog' | 'seatLimit' | 'inviteTtlHours' | 'publicUrl' | 'linkSecret' | 'approvalsChannel' | 'webhooks'
>;

/** Every domain service of one account. */
export type Services = ReturnType<typeof createServices>;

/** Wires the services of one account over the store and the given ports. */
export function createServices(
  config: ServicesConfig,
  deps: {
    prisma: Store;
    accountId: string;
    clock: Clock;
    logger: Logger;
    profiles: SlackProfiles;
    messenger: HolderMessenger;
    delivery: Delivery;
    /** The deployment's settings, over which the owner changes the account's own. */
    settingsDefaults: SettingsDefaults;
    /** Told after the account's settings changed (every replica rebuilds its services). */
    settingsChanged?: (accountId: string) => void;
    /** Counts changes by kind and outcome (src/metrics). */
    metrics?: Metrics;
    /** Sends webhook test deliveries (src/delivery/webhook-http.ts); absent, `/users webhook test` is refused. */
    webhookPoster?: WebhookPoster;
  },
) {
  const { prisma, accountId, clock } = deps;
  const audit = createAuditService({ db: prisma, accountId, clock });
  const policy = config.catalog.policy;
  const { multipleRoles } = policy;
  const directory = createDirectoryService({ prisma, accountId, clock, seatLimit: config.seatLimit, multipleRoles });
  const access = createAccessService({ prisma, accountId, profiles: deps.profiles, multipleRoles, clock });
  const links = createInviteLinks({ secret: config.linkSecret, publicUrl: config.publicUrl });
  // Notices queued by changes (the scheduler's expiries) and sent by the scheduler.
  const outbox = createNoticeOutbox({ prisma, accountId, clock });
  const handoff = createCredentialHandoff({
    prisma,
    accountId,
    clock,
    audit,
    messenger: deps.messenger,
    delivery: deps.delivery,
    publicUrl: config.publicUrl,
  });
  // Approvals store and settle requests; the change layer opens them and replays what was approved.
  const approvals = createApprovalService({
    prisma,
    accountId,
    clock,
    audit,
    ttlHours: policy.approvals.ttlHours,
    multipleRoles,
  });
  const webhookKeys = secretKeys(config.webhooks.keyMaterials);
  const changes = createChangeService({
    prisma,
    accountId,
    clock,
    audit,
    directory,
    links,
    delivery: deps.delivery,
    messenger: deps.messenger,
    handoff,
    seatLimit: config.seatLimit,
    inviteTtlHours: config.inviteTtlHours,
    publicUrl: config.publicUrl,
    passwordLinkTtlHours: policy.passwordLinkTtlHours,
    multipleRoles,
    settingsDefaults: deps.settingsDefaults,
    settingsChanged: (id) => deps.settingsChanged?.(id),
    invitePolicy: policy.invites,
    grantPolicy: policy.grants,
    grantWarningMinutes: policy.grantWarningMinutes,
    outbox,
    policy: policy.approvals,
    approvalsEnabled: config.approvalsChannel !== undefined,
    approvals,
    actorById: (userId, db) => access.actorForUserId(userId, 'approval', db),
    metrics: deps.metrics,
    webhooks: { allowPrivate: config.webhooks.allowPrivate, keys: webhookKeys },
  });
  // Access reviews: reviewers' pages, progress and reports (starting and deciding them are changes).
  const reviews = createReviewService({ prisma, accountId });
  // Time-bound access as people read it (granting, extending and ending are changes).
  const grants = createGrantService({ prisma, accountId, clock, policy: policy.grants });
  return {
    logger: deps.logger,
    /** Whether a passcode of `days` waits for an approver, as the modal says beforehand. */
    passcodeNeedsApproval: (days: number) => passcodeWaits(policy.approvals, config.approvalsChannel !== undefined, days),
    audit,
    directory,
    access,
    links,
    changes,
    outbox,
    // The web page that shows an e-mailed credential once.
    handoff,
    approvals,
    ownership: createOwnershipService({ prisma, accountId, clock, profiles: deps.profiles }),
    roles: createRoleService({ prisma, accountId, multipleRoles }),
    groups: createGroupService({ prisma, accountId }),
    deletion: createDeletionService({ prisma, accountId, directory }),
    exports: createExportService({ prisma, accountId, clock, audit }),
    home: createHomeService({
      prisma,
      accountId,
      clock,
      directory,
      approvals,
      audit,
      reviews,
      grants,
      settingsDefaults: deps.settingsDefaults,
    }),
    invites: createInviteService({ prisma, accountId }),
    // The forgot-password page's link: the same kind of password link an admin sends.
    passwordReset: createPasswordReset({ prisma, accountId, changes, ttlHours: policy.passwordLinkTtlHours }),
    partners: createPartnerService({ prisma, accountId }),
    reviews,
    grants,
    // The owner's webhooks: list, test, and the notice of a paused one (registering them is a change).
    webhooks: createWebhookService({
      prisma,
      accountId,
      clock,
      keys: webhookKeys,
      allowPrivate: config.webhooks.allowPrivate,
      messenger: deps.messenger,
      poster: deps.webhookPoster,
    }),
    settings: createSettingsService({ prisma, accountId, defaults: deps.settingsDefaults, changes }),
    // Sign-in for the web pages and the API, throttled per account; the card shows and clears lockouts.
    signIn: createSignInService({
      prisma,
      accountId,
      clock,
      audit,
      changes,
      throttle: createSignInThrottle({ prisma, accountId, clock }),
      messenger: deps.messenger,
      delivery: deps.delivery,
      multipleRoles,
      onNoticeError: (err) => deps.logger.warn({ err }, 'could not report a sign-in lockout'),
    }),
  };
}
